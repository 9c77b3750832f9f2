namespace MultiModal.Encoders.Imaging;

/// <summary>Container formats the preprocessor may decode; detected from the file's content, never from its extension.</summary>
[Flags]
public enum ImageFormatKinds
{
    /// <summary>No format: an options value that accepts nothing is rejected by <see cref="ImagePreprocessOptions.Validate"/>.</summary>
    None = 0,

    /// <summary>JPEG (baseline and progressive).</summary>
    Jpeg = 1,

    /// <summary>PNG.</summary>
    Png = 2,

    /// <summary>GIF; only the first frame is used, as PIL does.</summary>
    Gif = 4,

    /// <summary>Windows bitmap.</summary>
    Bmp = 8,

    /// <summary>WebP (lossy and lossless; first frame).</summary>
    Webp = 16,

    /// <summary>TIFF (first page).</summary>
    Tiff = 32,

    /// <summary>Every format above: the default.</summary>
    All = Jpeg | Png | Gif | Bmp | Webp | Tiff,
}
