namespace MultiModal.Index;

/// <summary>
/// A batch-first vector index with external 64-bit keys (FAISS-style). Vectors are row-major float spans of
/// <c>n × Dimensions</c> values. Thread safety: searches may run on many threads while one thread adds or removes.
/// </summary>
/// <remarks>
/// Keys are unique. <see cref="Add"/> rejects a key that is already stored (or repeated within the batch) with an
/// <see cref="ArgumentException"/> naming it, and adds nothing from that batch; <see cref="Upsert"/> replaces the
/// vector of a stored key and adds new ones. Vectors holding NaN or infinity, and zero vectors under
/// <see cref="Metric.Cosine"/>, are rejected with the row named.
/// </remarks>
public interface IVectorIndex : IDisposable
{
    /// <summary>Vector width.</summary>
    int Dimensions { get; }

    /// <summary>The comparison metric.</summary>
    Metric Metric { get; }

    /// <summary>Number of stored vectors.</summary>
    long Count { get; }

    /// <summary>Adds vectors under new keys.</summary>
    void Add(ReadOnlySpan<float> vectors, ReadOnlySpan<long> keys);

    /// <summary>Adds vectors, replacing those whose key is already stored.</summary>
    void Upsert(ReadOnlySpan<float> vectors, ReadOnlySpan<long> keys);

    /// <summary>Removes the given keys; returns how many were stored (unknown keys are ignored).</summary>
    int Remove(ReadOnlySpan<long> keys);

    /// <summary>Whether <paramref name="key"/> is stored.</summary>
    bool Contains(long key);

    /// <summary>
    /// The <paramref name="k"/> closest stored vectors for each query, best first, in a result of
    /// <see cref="SearchResult.K"/> = min(<paramref name="k"/>, <see cref="Count"/>) columns: asking for more than is
    /// stored (up to <c>int.MaxValue</c>) returns every stored vector, and an empty index returns zero columns. Slots
    /// an approximate index could not fill hold key -1 and the padding score.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive, or queries × min(k, Count)
    /// exceeds <see cref="SearchResult.MaxSlots"/> (search fewer queries at a time).</exception>
    SearchResult Search(ReadOnlySpan<float> queries, int k, CancellationToken cancellationToken = default);
}
