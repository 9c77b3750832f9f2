namespace MultiModal.Index.Persistence;

/// <summary>A saved index directory is missing a file, or a file is truncated, corrupted or inconsistent.</summary>
public sealed class IndexFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
    public IndexFormatException(string filePath, string message, Exception? innerException = null)
        : base($"{filePath}: {message}", innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The offending file (or the directory, when the directory itself is missing).</summary>
    public string FilePath { get; }
}
