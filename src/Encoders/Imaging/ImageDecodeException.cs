namespace MultiModal.Encoders.Imaging;

/// <summary>An image could not be read: empty, truncated, corrupt, of an unsupported or disallowed format, or too large.</summary>
public class ImageDecodeException : Exception
{
    /// <summary>Creates the exception; the message is "<paramref name="sourceName"/>: <paramref name="problem"/>".</summary>
    /// <param name="sourceName">The file path or caller-given name of the image.</param>
    /// <param name="problem">What is wrong, in words.</param>
    /// <param name="innerException">The decoder's own exception, if any.</param>
    public ImageDecodeException(string sourceName, string problem, Exception? innerException = null)
        : base($"{sourceName}: {problem}", innerException)
    {
        SourceName = sourceName;
    }

    /// <summary>The file path or caller-given name of the image that failed.</summary>
    public string SourceName { get; }
}
