namespace MultiModal.Training.Data;

/// <summary>How <see cref="ManifestDataset"/> reads a JSONL or CSV image–caption manifest.</summary>
public sealed record ManifestOptions
{
    /// <summary>JSON key / CSV column holding the image path. Default <c>image</c>.</summary>
    public string ImageColumn { get; init; } = "image";

    /// <summary>JSON key / CSV column holding one caption. Default <c>caption</c>.</summary>
    public string CaptionColumn { get; init; } = "caption";

    /// <summary>JSON key holding an array of captions (JSONL only). Default <c>captions</c>.</summary>
    public string CaptionsKey { get; init; } = "captions";

    /// <summary>
    /// CSV field delimiter; null picks tab for <c>.tsv</c> files and comma otherwise. Must not be a quote, CR or LF.
    /// </summary>
    public char? Delimiter { get; init; }

    /// <summary>
    /// CSV only: when set, a caption cell is split on this string into several captions (blank pieces dropped), e.g.
    /// <c>"|"</c>. Default null: a cell is one caption, and several captions are given as repeated rows of the same image.
    /// </summary>
    public string? CaptionSeparator { get; init; }

    /// <summary>Folder that relative image paths resolve against; null (default) means the manifest's own folder.</summary>
    public string? ImageRoot { get; init; }

    /// <summary>
    /// When true, every image file must exist at load time (a missing one is a <see cref="DatasetFormatException"/>
    /// naming its line). Default false: a missing or corrupt image is skipped and counted by the loader.
    /// </summary>
    public bool VerifyImagesExist { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ImageColumn))
        {
            throw new ArgumentOutOfRangeException(nameof(ImageColumn), ImageColumn, "ImageColumn must not be blank.");
        }
        if (string.IsNullOrWhiteSpace(CaptionColumn))
        {
            throw new ArgumentOutOfRangeException(nameof(CaptionColumn), CaptionColumn, "CaptionColumn must not be blank.");
        }
        if (string.IsNullOrWhiteSpace(CaptionsKey))
        {
            throw new ArgumentOutOfRangeException(nameof(CaptionsKey), CaptionsKey, "CaptionsKey must not be blank.");
        }
        if (Delimiter is '"' or '\r' or '\n')
        {
            throw new ArgumentOutOfRangeException(nameof(Delimiter), Delimiter, "Delimiter must not be a quote, CR or LF.");
        }
        if (CaptionSeparator is { Length: 0 })
        {
            throw new ArgumentOutOfRangeException(nameof(CaptionSeparator), CaptionSeparator, "CaptionSeparator must be null or non-empty.");
        }
    }
}
