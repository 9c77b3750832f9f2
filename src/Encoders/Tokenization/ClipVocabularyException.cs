namespace MultiModal.Encoders.Tokenization;

/// <summary>A CLIP vocabulary file (BPE archive, vocab.json or merges.txt) is malformed.</summary>
/// <remarks>An <see cref="IOException"/> so that one catch covers missing and malformed files. The message names
/// the file and the problem; <see cref="FilePath"/> holds the file alone.</remarks>
public sealed class ClipVocabularyException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a description of the problem.</summary>
    /// <param name="filePath">The malformed file.</param>
    /// <param name="problem">What is wrong with it, as a sentence fragment.</param>
    /// <param name="innerException">The error that revealed the problem, if any.</param>
    public ClipVocabularyException(string filePath, string problem, Exception? innerException = null)
        : base($"CLIP vocabulary file '{filePath}': {problem}", innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The malformed file.</summary>
    public string FilePath { get; }
}
