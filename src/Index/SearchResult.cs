namespace MultiModal.Index;

/// <summary>
/// The top-k results of a batch of queries, row-major [Queries, K] as FAISS returns them: row i holds query i's
/// keys and scores, best first. <see cref="K"/> is the requested k clamped to the number of stored vectors at search
/// time (so an empty index gives zero columns, and <c>k = int.MaxValue</c> asks for every vector); slots an
/// approximate index could not fill hold key -1 and <see cref="MetricExtensions.PaddingScore"/>.
/// </summary>
/// <param name="Keys">External keys, [Queries × K].</param>
/// <param name="Scores">Scores in the index's metric, [Queries × K].</param>
/// <param name="Queries">Number of queries.</param>
/// <param name="K">Results per query: min(k, stored vectors).</param>
public sealed record SearchResult(long[] Keys, float[] Scores, int Queries, int K)
{
    /// <summary>
    /// The most result slots (<see cref="Queries"/> × <see cref="K"/>) one search returns: 2^27, about 1.5 GiB of keys
    /// and scores. A larger request is refused with <see cref="ArgumentOutOfRangeException"/> naming k, before anything
    /// is allocated; search the queries in smaller batches.
    /// </summary>
    public const long MaxSlots = 1L << 27;

    /// <summary>Query <paramref name="query"/>'s keys, best first.</summary>
    public ReadOnlySpan<long> KeysOf(int query) => Keys.AsSpan(Row(query), K);

    /// <summary>Query <paramref name="query"/>'s scores, best first.</summary>
    public ReadOnlySpan<float> ScoresOf(int query) => Scores.AsSpan(Row(query), K);

    /// <summary>
    /// The columns of a search for <paramref name="k"/> results per query over <paramref name="count"/> stored vectors:
    /// min(k, count). Throws <see cref="ArgumentOutOfRangeException"/> naming k when k is not positive or the result
    /// would exceed <see cref="MaxSlots"/>.
    /// </summary>
    internal static int Columns(int k, long count, int queries)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var columns = (int)Math.Min(k, count);
        var slots = (long)queries * columns;
        if (slots > MaxSlots)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k,
                $"{queries} queries × {columns} results each (k = {k}, clamped to the {count} stored vectors) is {slots} result slots, "
                + $"more than the {MaxSlots} one search returns; search fewer queries at a time or ask for a smaller k.");
        }

        return columns;
    }

    private int Row(int query)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(query);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(query, Queries);
        return query * K;
    }
}
