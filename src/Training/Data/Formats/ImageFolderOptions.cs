namespace MultiModal.Training.Data;

/// <summary>How <see cref="ImageFolderDataset"/> scans its root.</summary>
public sealed record ImageFolderOptions
{
    /// <summary>torchvision's IMG_EXTENSIONS minus the formats the preprocessor cannot decode (.ppm, .pgm).</summary>
    public static readonly IReadOnlyList<string> DefaultExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"];

    /// <summary>File extensions taken as images, compared ignoring case, each with its leading dot.</summary>
    public IReadOnlyList<string> Extensions { get; init; } = DefaultExtensions;

    /// <summary>When false (default, as torchvision), a class folder without images is an error.</summary>
    public bool AllowEmptyClasses { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (Extensions is null || Extensions.Count == 0 || Extensions.Any(e => e is null || e.Length < 2 || e[0] != '.'))
        {
            throw new ArgumentOutOfRangeException(nameof(Extensions), Extensions, "Extensions must be a non-empty list like \".jpg\".");
        }
    }
}
