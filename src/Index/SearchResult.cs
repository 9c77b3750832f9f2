namespace MultiModal.Index;

/// <summary>
/// The top-k results of a batch of queries, row-major [Queries, K] as FAISS returns them: row i holds query i's
/// keys and scores, best first. Slots beyond the number of stored vectors hold key -1 and
/// <see cref="MetricExtensions.PaddingScore"/>.
/// </summary>
/// <param name="Keys">External keys, [Queries × K].</param>
/// <param name="Scores">Scores in the index's metric, [Queries × K].</param>
/// <param name="Queries">Number of queries.</param>
/// <param name="K">Results per query.</param>
public sealed record SearchResult(long[] Keys, float[] Scores, int Queries, int K)
{
    /// <summary>Query <paramref name="query"/>'s keys, best first.</summary>
    public ReadOnlySpan<long> KeysOf(int query) => Keys.AsSpan(Row(query), K);

    /// <summary>Query <paramref name="query"/>'s scores, best first.</summary>
    public ReadOnlySpan<float> ScoresOf(int query) => Scores.AsSpan(Row(query), K);

    private int Row(int query)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(query);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(query, Queries);
        return query * K;
    }
}
