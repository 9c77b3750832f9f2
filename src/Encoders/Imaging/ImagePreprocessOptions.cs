namespace MultiModal.Encoders.Imaging;

/// <summary>
/// Settings of <see cref="ImagePreprocessor"/>: the OpenAI CLIP / OpenCLIP evaluation transform
/// (resize, centre crop, RGB, /255, normalise) plus the limits that keep bad files harmless.
/// </summary>
/// <remarks>Defaults reproduce OpenAI CLIP ViT-B/32 at 224 px (open_clip/constants.py OPENAI_DATASET_MEAN/STD).</remarks>
public sealed record ImagePreprocessOptions
{
    /// <summary>OpenAI CLIP normalisation mean.</summary>
    public static readonly RgbValues OpenAIMean = new(0.48145466f, 0.4578275f, 0.40821073f);

    /// <summary>OpenAI CLIP normalisation standard deviation.</summary>
    public static readonly RgbValues OpenAIStd = new(0.26862954f, 0.26130258f, 0.27577711f);

    /// <summary>PIL's <c>Image.MAX_IMAGE_PIXELS</c> (Pillow 9.4): 1024 * 1024 * 1024 // 4 // 3.</summary>
    public const long PilMaxImagePixels = 89_478_485;

    /// <summary>Side of the square output in pixels (the model's input resolution). Default 224.</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>Per-channel mean subtracted after scaling to [0, 1].</summary>
    public RgbValues Mean { get; init; } = OpenAIMean;

    /// <summary>Per-channel standard deviation divided by after subtracting <see cref="Mean"/>; every value must be positive.</summary>
    public RgbValues Std { get; init; } = OpenAIStd;

    /// <summary>Resampling filter. Default <see cref="ImageInterpolation.Bicubic"/>.</summary>
    public ImageInterpolation Interpolation { get; init; } = ImageInterpolation.Bicubic;

    /// <summary>How the image becomes square. Default <see cref="ImageResizeMode.Shortest"/>.</summary>
    public ImageResizeMode ResizeMode { get; init; } = ImageResizeMode.Shortest;

    /// <summary>
    /// Largest accepted width * height, read from the header before any pixel is decoded (decompression-bomb guard).
    /// Default <see cref="PilMaxImagePixels"/>; PIL only warns at this size, we refuse.
    /// </summary>
    public long MaxPixels { get; init; } = PilMaxImagePixels;

    /// <summary>Largest accepted file or stream length in bytes. Default 256 MiB.</summary>
    public long MaxFileBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Formats that may be decoded (detected by content). Default <see cref="ImageFormatKinds.All"/>.</summary>
    public ImageFormatKinds AllowedFormats { get; init; } = ImageFormatKinds.All;

    /// <summary>
    /// Decode images whose data stops early, as PIL does with <c>ImageFile.LOAD_TRUNCATED_IMAGES = True</c>, instead of
    /// raising <see cref="ImageDecodeException"/> ("truncated"). Default false: a partial image is an error.
    /// </summary>
    /// <remarks>
    /// <para>
    /// JPEG (baseline and progressive Huffman): the data kept is decoded as libjpeg-turbo decodes it when PIL's
    /// JpegImagePlugin feeds a fake end-of-image marker after it: the MCUs after the data has run out keep zero
    /// coefficients (mid-grey), and a progressive image cut before its last scans gets libjpeg's block smoothing.
    /// The same applies to a scan whose data stops at a marker before its last MCU, which libjpeg only warns about
    /// ("premature end of data segment") and PIL decodes even by default. A file cut inside a marker segment (e.g. a
    /// Huffman table between scans) is refused anyway, as PIL makes an all-black image of it, and so is a truncated
    /// JPEG of the variants left to ImageSharp (arithmetic, lossless, 12-bit, CMYK).
    /// </para>
    /// <para>
    /// PNG: the rows whose filtered bytes are all present are kept and the rest are zero (palette entry 0 for palette
    /// images), as PIL's zip decoder leaves them; this covers a missing IEND chunk, a cut IDAT chunk and a compressed
    /// stream that ends before the last row. A truncated interlaced (Adam7) PNG is refused anyway.
    /// </para>
    /// </remarks>
    public bool AllowTruncated { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (ImageSize is < 1 or > 8192)
        {
            throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, "ImageSize must be in [1, 8192].");
        }
        for (var c = 0; c < 3; c++)
        {
            if (!float.IsFinite(Mean[c]))
            {
                throw new ArgumentOutOfRangeException(nameof(Mean), Mean, "Mean values must be finite.");
            }
            if (!float.IsFinite(Std[c]) || Std[c] <= 0f)
            {
                throw new ArgumentOutOfRangeException(nameof(Std), Std, "Std values must be finite and positive.");
            }
        }
        if (!Enum.IsDefined(Interpolation))
        {
            throw new ArgumentOutOfRangeException(nameof(Interpolation), Interpolation, "Unknown interpolation.");
        }
        if (!Enum.IsDefined(ResizeMode))
        {
            throw new ArgumentOutOfRangeException(nameof(ResizeMode), ResizeMode, "Unknown resize mode.");
        }
        if (MaxPixels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPixels), MaxPixels, "MaxPixels must be positive.");
        }
        if (MaxFileBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFileBytes), MaxFileBytes, "MaxFileBytes must be positive.");
        }
        if (AllowedFormats == ImageFormatKinds.None || (AllowedFormats & ~ImageFormatKinds.All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(AllowedFormats), AllowedFormats, "AllowedFormats must name at least one known format and nothing else.");
        }
    }
}
