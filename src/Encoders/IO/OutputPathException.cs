namespace MultiModal.Encoders.IO;

/// <summary>
/// An output path the library refuses to write: it holds something the library did not write (a user's folder, a
/// FIFO, a device), or it is one of the command's own inputs, lies inside one or contains one.
/// </summary>
/// <remarks>Nothing was written or removed when this is thrown. The command line maps it to exit code 2.</remarks>
public sealed class OutputPathException : IOException
{
    /// <summary>Creates the exception; the message starts with the path.</summary>
    public OutputPathException(string path, string problem)
        : base($"{path}: {problem}")
    {
        OutputPath = path;
    }

    /// <summary>The refused output path.</summary>
    public string OutputPath { get; }
}
