namespace MultiModal.Encoders.Tokenization;

/// <summary>How <see cref="ClipTokenizer.Tokenize(IReadOnlyList{string})"/> lays texts into fixed-length rows.</summary>
public sealed record ClipTokenizerOptions
{
    /// <summary>Largest accepted <see cref="ContextLength"/>; a guard against accidental huge allocations.</summary>
    public const int MaxContextLength = 65_536;

    /// <summary>Tokens per row, start and end tokens included. CLIP's text towers use 77.</summary>
    public int ContextLength { get; init; } = 77;

    /// <summary>
    /// When true (the default, as <c>open_clip.tokenize</c>), a text that needs more than <see cref="ContextLength"/>
    /// tokens is cut and its last kept position becomes the end token; when false such a text throws
    /// <see cref="TextTooLongException"/>.
    /// </summary>
    public bool Truncate { get; init; } = true;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ContextLength"/> is below 2 (start and end tokens) or above <see cref="MaxContextLength"/>.</exception>
    public void Validate()
    {
        if (ContextLength is < 2 or > MaxContextLength)
        {
            throw new ArgumentOutOfRangeException(nameof(ContextLength), ContextLength,
                $"{nameof(ContextLength)} must be between 2 (start and end tokens) and {MaxContextLength}.");
        }
    }
}
