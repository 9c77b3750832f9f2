namespace MultiModal.Encoders.Tokenization;

/// <summary>
/// A text needs more tokens than the context length while <see cref="ClipTokenizerOptions.Truncate"/> is off
/// (OpenAI's <c>clip.tokenize(truncate=False)</c> raises in the same case).
/// </summary>
public sealed class TextTooLongException : ArgumentException
{
    /// <summary>Creates the exception for the text at <paramref name="textIndex"/>.</summary>
    /// <param name="textIndex">Index of the text in the batch (0 for a single text).</param>
    /// <param name="textLength">Length of the text in UTF-16 chars.</param>
    /// <param name="tokenCount">Tokens the text needs, start and end tokens included.</param>
    /// <param name="contextLength">The context length it had to fit.</param>
    public TextTooLongException(int textIndex, int textLength, int tokenCount, int contextLength)
        : base($"Text {textIndex} ({textLength} chars) needs {tokenCount} tokens with the start and end tokens, more than the "
               + $"context length {contextLength}; shorten it or set {nameof(ClipTokenizerOptions)}.{nameof(ClipTokenizerOptions.Truncate)} = true.")
    {
        TextIndex = textIndex;
        TextLength = textLength;
        TokenCount = tokenCount;
        ContextLength = contextLength;
    }

    /// <summary>Index of the text in the batch (0 for a single text).</summary>
    public int TextIndex { get; }

    /// <summary>Length of the text in UTF-16 chars.</summary>
    public int TextLength { get; }

    /// <summary>Tokens the text needs, start and end tokens included.</summary>
    public int TokenCount { get; }

    /// <summary>The context length it had to fit.</summary>
    public int ContextLength { get; }
}
