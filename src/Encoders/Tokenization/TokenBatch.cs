namespace MultiModal.Encoders.Tokenization;

/// <summary>
/// Token ids of a batch of texts, row-major [<see cref="Count"/>, <see cref="ContextLength"/>] as
/// <c>open_clip.tokenize</c> returns them: each row is start token, BPE ids, end token, then 0 up to the end.
/// </summary>
/// <param name="Ids">Row-major ids, <see cref="Count"/> × <see cref="ContextLength"/> long; ready for a
/// <c>torch.tensor(Ids, [Count, ContextLength])</c>. The record shares this array; equality compares the reference.</param>
/// <param name="Count">Number of texts (rows).</param>
/// <param name="ContextLength">Tokens per row.</param>
public sealed record TokenBatch(long[] Ids, int Count, int ContextLength)
{
    /// <summary>The ids of row <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in [0, <see cref="Count"/>).</exception>
    public ReadOnlySpan<long> Row(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Ids.AsSpan(index * ContextLength, ContextLength);
    }
}
