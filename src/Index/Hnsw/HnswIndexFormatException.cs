namespace MultiModal.Index.Hnsw;

/// <summary>A saved HNSW index directory is missing, truncated, corrupted or of another format; the message names the file.</summary>
public sealed class HnswIndexFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="fileName"/>.</summary>
    /// <param name="fileName">The offending file.</param>
    /// <param name="message">What is wrong with it.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public HnswIndexFormatException(string fileName, string message, Exception? innerException = null)
        : base($"{fileName}: {message}", innerException)
    {
        FileName = fileName;
    }

    /// <summary>The offending file.</summary>
    public string FileName { get; }
}
