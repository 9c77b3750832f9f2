namespace MultiModal.Encoders.IO;

/// <summary>A path that must be a regular file names a folder, FIFO, device or socket.</summary>
public sealed class NotARegularFileException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>, which is of kind <paramref name="kind"/>.</summary>
    public NotARegularFileException(string path, FileKind kind)
        : base($"{path}: is {FileStatus.Describe(kind)}, not a regular file.")
    {
        FilePath = path;
        Kind = kind;
    }

    /// <summary>The path.</summary>
    public string FilePath { get; }

    /// <summary>What the path names.</summary>
    public FileKind Kind { get; }
}
