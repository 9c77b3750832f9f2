namespace MultiModal.Training.Data;

/// <summary>
/// A dataset file (manifest, split JSON, IDX, CIFAR batch, class-name list) is malformed. The message names the file,
/// the line or record when there is one, and the problem: <c>FILE:LINE: problem</c> or <c>FILE: record N: problem</c>.
/// </summary>
public sealed class DatasetFormatException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The offending file.</param>
    /// <param name="problem">What is wrong, in words.</param>
    /// <param name="line">1-based line number in a text file, or null.</param>
    /// <param name="record">0-based record index in a binary file or array, or null.</param>
    /// <param name="innerException">The parser's own exception, if any.</param>
    public DatasetFormatException(string filePath, string problem, int? line = null, long? record = null, Exception? innerException = null)
        : base(Compose(filePath, problem, line, record), innerException)
    {
        FilePath = filePath;
        Line = line;
        Record = record;
    }

    /// <summary>The offending file.</summary>
    public string FilePath { get; }

    /// <summary>1-based line number in a text file, when known.</summary>
    public int? Line { get; }

    /// <summary>0-based record index (binary record, JSON array element), when known.</summary>
    public long? Record { get; }

    private static string Compose(string filePath, string problem, int? line, long? record) =>
        (line, record) switch
        {
            ({ } l, { } r) => $"{filePath}:{l}: record {r}: {problem}",
            ({ } l, null) => $"{filePath}:{l}: {problem}",
            (null, { } r) => $"{filePath}: record {r}: {problem}",
            _ => $"{filePath}: {problem}",
        };
}
