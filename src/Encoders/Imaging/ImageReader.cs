using System.Buffers;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Tiff.Constants;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;

namespace MultiModal.Encoders.Imaging;

/// <summary>
/// Turns file bytes into <see cref="DecodedImage"/> the way PIL's <c>Image.open</c> + <c>load</c> would see them:
/// format by content, size limit from the header before decoding, PIL mode, truncation refused (or, with
/// <see cref="ImagePreprocessOptions.AllowTruncated"/>, completed as PIL's LOAD_TRUNCATED_IMAGES does).
/// </summary>
/// <remarks>
/// EXIF orientation is ignored on purpose: PIL's CLIP transform never calls <c>ImageOps.exif_transpose</c>, so the
/// stored pixel order is what the model sees. ICC profiles and PNG gAMA are ignored too, as PIL ignores them.
/// </remarks>
internal sealed class ImageReader
{
    private readonly Configuration configuration;
    private readonly ImagePreprocessOptions options;

    public ImageReader(ImagePreprocessOptions options)
    {
        this.options = options;
        configuration = Configuration.Default.Clone();
        configuration.PreferContiguousImageBuffers = true;
        configuration.MaxDegreeOfParallelism = 1; // batches parallelise over images, not inside one
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
    }

    public DecodedImage Read(ArraySegment<byte> data, string sourceName)
    {
        ReadOnlySpan<byte> span = data;
        if (span.Length == 0)
        {
            throw new ImageDecodeException(sourceName, "file is empty");
        }
        IImageFormat? format = Image.DetectFormat(configuration, span);
        ImageFormatKinds kind = format switch
        {
            JpegFormat => ImageFormatKinds.Jpeg,
            PngFormat => ImageFormatKinds.Png,
            GifFormat => ImageFormatKinds.Gif,
            BmpFormat => ImageFormatKinds.Bmp,
            WebpFormat => ImageFormatKinds.Webp,
            TiffFormat => ImageFormatKinds.Tiff,
            _ => ImageFormatKinds.None,
        };
        if (kind == ImageFormatKinds.None)
        {
            string head = Convert.ToHexString(span[..Math.Min(8, span.Length)]);
            throw new ImageDecodeException(sourceName, format is null
                ? $"not a recognised image format (first bytes {head}); expected JPEG, PNG, GIF, BMP, WebP or TIFF"
                : $"unsupported image format {format.Name}");
        }
        if ((options.AllowedFormats & kind) == 0)
        {
            throw new ImageDecodeException(sourceName, $"format {kind} is not in AllowedFormats ({options.AllowedFormats})");
        }

        try
        {
            return Decode(data, kind, sourceName);
        }
        catch (Exception ex) when (ex is not ImageDecodeException and not OperationCanceledException)
        {
            throw new ImageDecodeException(sourceName, $"cannot decode {kind}: {ex.Message}", ex);
        }
    }

    private DecodedImage Decode(ArraySegment<byte> data, ImageFormatKinds kind, string sourceName)
    {
        ReadOnlySpan<byte> span = data;
        Rgb8 palette0 = default;
        PngLayout? png = null;
        if (kind == ImageFormatKinds.Jpeg)
        {
            DecodedImage? exact = DecodeJpeg(span, sourceName, out string? truncation);
            if (exact is not null)
            {
                return exact;
            }
            if (truncation is not null)
            {
                throw new ImageDecodeException(sourceName, truncation +
                    "; ImageSharp decodes this kind of JPEG (arithmetic, lossless, 12-bit or CMYK) and cannot complete it as PIL does");
            }
        }
        else if (kind == ImageFormatKinds.Png)
        {
            png = PngLayout.Read(span, out string? problem);
            if (png is null)
            {
                throw new ImageDecodeException(sourceName, problem!);
            }
            if (png.Truncation is not null && !options.AllowTruncated)
            {
                throw new ImageDecodeException(sourceName, png.Truncation + AllowTruncatedHint);
            }
            palette0 = png.Palette0;
        }
        else if (ContainerCompleteness.Check(kind, span) is { } cut)
        {
            // PIL's LOAD_TRUNCATED_IMAGES output is reproduced for JPEG and PNG only.
            bool truncated = cut.Contains("truncated", StringComparison.Ordinal);
            throw new ImageDecodeException(sourceName, cut + (options.AllowTruncated && truncated ? "; AllowTruncated covers JPEG and PNG only" : string.Empty));
        }
        if (kind == ImageFormatKinds.Tiff)
        {
            data = ContainerCompleteness.ClampTiffRowsPerStrip(data);
        }

        // ImageSharp reads a PNG through its pixel chunks only (PngLayout: no metadata is inflated).
        Stream Open() => png?.OpenPixelStream(data) ?? new MemoryStream(data.Array!, data.Offset, data.Count, writable: false);

        // Header only: the pixel limit is enforced before any pixel buffer exists.
        IImageInfo? info;
        using (Stream header = Open())
        {
            info = Image.Identify(configuration, header);
        }
        if (info is null)
        {
            throw new ImageDecodeException(sourceName, $"cannot read the {kind} header");
        }
        if (info.Width < 1 || info.Height < 1)
        {
            throw new ImageDecodeException(sourceName, $"header declares an empty image ({info.Width}x{info.Height})");
        }
        if ((long)info.Width * info.Height > options.MaxPixels)
        {
            throw new ImageTooLargeException(sourceName, info.Width, info.Height, options.MaxPixels);
        }
        // A PNG's image data is inflated up front only when ImageSharp must not see it short (interlaced: it never
        // returns) or it is known to be cut; otherwise only when the decode ends in a blank row (below).
        bool checkedRows = png is not null && (png.Interlaced || png.Truncation is not null);
        int rowsPresent = checkedRows ? PngRowsPresent(png!, data, sourceName) : info.Height;

        PilMode mode;
        bool sixteenBit = false;
        switch (kind)
        {
            case ImageFormatKinds.Jpeg:
                mode = info.Metadata.GetJpegMetadata().ColorType == JpegColorType.Luminance ? PilMode.L : PilMode.Rgb;
                break;
            case ImageFormatKinds.Png:
                // PngImagePlugin _MODES: grey 1-bit "1", grey 2/4/8 "L", grey 16 "I", palette "P", 4 "LA" (16-bit: "RGBA"
                // from "LA;16B"), 6 "RGBA", 2 "RGB".
                mode = (png!.ColorType, png.BitDepth) switch
                {
                    (0, 1) => PilMode.Bilevel,
                    (0, 16) => PilMode.I,
                    (0, _) => PilMode.L,
                    (3, _) => PilMode.Palette,
                    (4, 16) => PilMode.Rgba,
                    (4, _) => PilMode.La,
                    (6, _) => PilMode.Rgba,
                    _ => PilMode.Rgb,
                };
                sixteenBit = png.BitDepth == 16;
                break;
            case ImageFormatKinds.Gif:
                mode = PilMode.Palette;
                palette0 = ContainerProbe.GifPalette0(span);
                break;
            case ImageFormatKinds.Bmp:
                int bits = (int)info.Metadata.GetBmpMetadata().BitsPerPixel;
                mode = ContainerProbe.BmpPaletteMode(span, bits, out palette0) ?? PilMode.Rgb;
                break;
            case ImageFormatKinds.Webp:
                mode = ContainerProbe.WebpMode(span);
                break;
            default:
                return DecodeTiff(data);
        }

        using Stream stream = Open();
        DecodedImage image = sixteenBit
            ? mode == PilMode.I
                ? DecodedImage.FromL16(Image.Load<L16>(configuration, stream))
                : DecodedImage.FromRgba64(Image.Load<Rgba64>(configuration, stream), mode, palette0)
            : mode switch
            {
                PilMode.L or PilMode.Bilevel => DecodedImage.Wrap(Image.Load<L8>(configuration, stream), mode, palette0),
                PilMode.La => DecodedImage.Wrap(Image.Load<La16>(configuration, stream), mode, palette0),
                PilMode.Rgba => DecodedImage.Wrap(Image.Load<Rgba32>(configuration, stream), mode, palette0),
                _ => DecodedImage.Wrap(Image.Load<Rgb24>(configuration, stream), mode, palette0),
            };
        try
        {
            // ImageSharp 2.1 allocates frames cleared and writes a row only once all its bytes are inflated, so a last
            // row with any non-zero byte proves the data complete; a blank one is checked by inflating.
            if (png is not null && !checkedRows && image.LastRowIsBlank)
            {
                rowsPresent = PngRowsPresent(png, data, sourceName);
            }
            if (rowsPresent < image.Height)
            {
                image.BlankRowsFrom(rowsPresent); // PIL's rows never decoded, whatever ImageSharp left there
            }
            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    private const string AllowTruncatedHint = "; ImagePreprocessOptions.AllowTruncated decodes the part that is there, as PIL's LOAD_TRUNCATED_IMAGES";

    /// <summary>
    /// The libjpeg-exact decode, or null for a variant left to ImageSharp (<paramref name="truncation"/> then says
    /// whether the data was cut). A cut file is refused unless AllowTruncated and the cut is one PIL decodes through;
    /// then the data gets the end-of-image marker PIL's JpegImagePlugin.load_read feeds libjpeg.
    /// </summary>
    private DecodedImage? DecodeJpeg(ReadOnlySpan<byte> span, string sourceName, out string? truncation)
    {
        truncation = ContainerProbe.CheckJpeg(span, out bool resumable);
        if (truncation is null)
        {
            return JpegDecoder.Decode(span, sourceName, options.MaxPixels, options.AllowTruncated);
        }
        if (!options.AllowTruncated || !resumable)
        {
            throw new ImageDecodeException(sourceName, truncation + (!resumable
                ? "; cut inside a marker segment or before the first scan, where PIL has no partial image either (all black or an error)"
                : AllowTruncatedHint));
        }
        byte[] completed = ArrayPool<byte>.Shared.Rent(span.Length + 2);
        try
        {
            span.CopyTo(completed);
            completed[span.Length] = 0xFF;
            completed[span.Length + 1] = 0xD9;
            return JpegDecoder.Decode(completed.AsSpan(0, span.Length + 2), sourceName, options.MaxPixels, allowTruncated: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(completed);
        }
    }

    /// <summary>
    /// Rows of a non-interlaced PNG whose filtered bytes the image data holds; Height when it is complete. PIL raises
    /// "image file is truncated" when its input ends first (and silently keeps zero rows when the zlib stream itself
    /// ends early): both are an error here unless AllowTruncated, which then keeps the zero rows as PIL does.
    /// </summary>
    private int PngRowsPresent(PngLayout png, ArraySegment<byte> data, string sourceName)
    {
        long expected = png.ExpectedImageBytes;
        long inflated = png.InflateImageData(data, expected);
        if (inflated >= expected)
        {
            return png.Height;
        }
        string problem = $"PNG image data is truncated: it inflates to {inflated} of the {expected} bytes the header calls for (PIL: image file is truncated)";
        if (!options.AllowTruncated)
        {
            throw new ImageDecodeException(sourceName, problem + AllowTruncatedHint);
        }
        if (png.Interlaced)
        {
            // ImageSharp 2.1.13 never returns from a truncated interlaced PNG (issue 10), so it never sees one.
            throw new ImageDecodeException(sourceName, problem + "; a truncated interlaced PNG is refused even with AllowTruncated");
        }
        return (int)(inflated / png.FilteredRowBytes);
    }

    /// <summary>TIFF: the mode is read from the first page's tags, available only after decoding.</summary>
    private DecodedImage DecodeTiff(ArraySegment<byte> data)
    {
        using var stream = new MemoryStream(data.Array!, data.Offset, data.Count, writable: false);
        var image = Image.Load<Rgba32>(configuration, stream);
        try
        {
            TiffFrameMetadata tiff = image.Frames.RootFrame.Metadata.GetTiffMetadata();
            int bitsPerPixel = (int)(tiff.BitsPerPixel ?? TiffBitsPerPixel.Bit24);
            PilMode mode = tiff.PhotometricInterpretation switch
            {
                TiffPhotometricInterpretation.PaletteColor => PilMode.Palette,
                TiffPhotometricInterpretation.BlackIsZero or TiffPhotometricInterpretation.WhiteIsZero =>
                    bitsPerPixel == 1 ? PilMode.Bilevel : PilMode.L,
                TiffPhotometricInterpretation.Rgb when bitsPerPixel == 32 => PilMode.Rgba,
                _ => PilMode.Rgb,
            };
            var result = mode switch
            {
                PilMode.Rgba => DecodedImage.Wrap(image, mode, default),
                PilMode.L or PilMode.Bilevel => DecodedImage.Wrap(image.CloneAs<L8>(configuration), mode, default),
                _ => DecodedImage.Wrap(image.CloneAs<Rgb24>(configuration), mode, default),
            };
            if (mode != PilMode.Rgba)
            {
                image.Dispose();
            }
            return result;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }
}
