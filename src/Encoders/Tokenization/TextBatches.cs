namespace MultiModal.Encoders.Tokenization;

/// <summary>
/// The batching loop of every text tower (<see cref="ClipModel"/> and the ONNX towers): texts in slices of
/// <c>batchSize</c>, each slice encoded at once; rows follow the input order.
/// </summary>
internal static class TextBatches
{
    /// <param name="texts">The texts.</param>
    /// <param name="batchSize">Texts per forward pass.</param>
    /// <param name="encode">Encodes one slice of texts into one row per text.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    public static float[][] Encode(IReadOnlyList<string> texts, int batchSize, Func<IReadOnlyList<string>, float[][]> encode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var result = new float[texts.Count][];
        for (var start = 0; start < texts.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, texts.Count - start);
            encode(Slice(texts, start, count)).CopyTo(result, start);
        }
        return result;
    }

    private static IReadOnlyList<string> Slice(IReadOnlyList<string> items, int start, int count)
    {
        if (start == 0 && count == items.Count)
        {
            return items;
        }
        var slice = new string[count];
        for (var i = 0; i < count; i++)
        {
            slice[i] = items[start + i];
        }
        return slice;
    }
}
