namespace MultiModal.Encoders.Imaging;

/// <summary>One item of <see cref="ImagePreprocessor.PreprocessBatch"/> failed; names the item and carries its exception.</summary>
public sealed class ImageBatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="index">Zero-based position of the failing item in the batch.</param>
    /// <param name="sourceName">The failing item's path.</param>
    /// <param name="innerException">Why the item failed (usually an <see cref="ImageDecodeException"/>).</param>
    public ImageBatchException(int index, string sourceName, Exception innerException)
        : base($"Batch item {index} ({sourceName}) failed: {innerException.Message}", innerException)
    {
        Index = index;
        SourceName = sourceName;
    }

    /// <summary>Zero-based position of the failing item in the batch.</summary>
    public int Index { get; }

    /// <summary>The failing item's path.</summary>
    public string SourceName { get; }
}
