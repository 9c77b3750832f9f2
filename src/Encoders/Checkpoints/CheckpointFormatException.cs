namespace MultiModal.Encoders.Checkpoints;

/// <summary>
/// A checkpoint file is malformed, truncated or hostile: the message names the file and the problem.
/// </summary>
/// <remarks>
/// Readers throw this instead of letting a bad file surface as an <see cref="IndexOutOfRangeException"/>, a
/// huge allocation or a silently wrong tensor. Plain I/O failures (missing file, no permission) stay the
/// usual <see cref="IOException"/> family.
/// </remarks>
public sealed class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a description of the problem.</summary>
    /// <param name="filePath">The checkpoint file that is malformed.</param>
    /// <param name="problem">What is wrong, in words (no file name: the message adds it).</param>
    /// <param name="innerException">The lower-level failure, if any (for example a JSON parse error).</param>
    public CheckpointFormatException(string filePath, string problem, Exception? innerException = null)
        : base($"Checkpoint '{filePath}' is invalid: {problem}", innerException)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The checkpoint file that is malformed.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with the file, without the file name.</summary>
    public string Problem { get; }
}
