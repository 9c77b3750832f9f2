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
    /// The <paramref name="k"/> closest stored vectors for each query, best first. An empty index returns rows padded
    /// with -1. <paramref name="k"/> must be positive.
    /// </summary>
    SearchResult Search(ReadOnlySpan<float> queries, int k, CancellationToken cancellationToken = default);
}
