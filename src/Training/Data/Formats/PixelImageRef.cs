using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace MultiModal.Training.Data;

/// <summary>
/// Raw grey or RGB pixels that open as a freshly encoded lossless PNG (color type 0 = PIL "L", or 2 = PIL "RGB").
/// Encoding happens on the opening thread (a loader worker), so datasets keep only the compact raw bytes.
/// </summary>
internal sealed class PixelImageRef : ImageRef
{
    private static readonly PngEncoder GreyEncoder = new()
    {
        ColorType = PngColorType.Grayscale,
        BitDepth = PngBitDepth.Bit8,
        CompressionLevel = PngCompressionLevel.BestSpeed,
        FilterMethod = PngFilterMethod.None,
    };

    private static readonly PngEncoder RgbEncoder = new()
    {
        ColorType = PngColorType.Rgb,
        BitDepth = PngBitDepth.Bit8,
        CompressionLevel = PngCompressionLevel.BestSpeed,
        FilterMethod = PngFilterMethod.None,
    };

    private readonly int width;
    private readonly int height;
    private readonly int channels;
    private readonly ReadOnlyMemory<byte> pixels;

    public PixelImageRef(string name, int width, int height, int channels, ReadOnlyMemory<byte> pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 (grey) or 3 (RGB)");
        }
        if (pixels.Length != (long)width * height * channels)
        {
            throw new ArgumentException($"{name}: {pixels.Length} pixel bytes for a {width}x{height}x{channels} image ({(long)width * height * channels} expected)", nameof(pixels));
        }
        Name = name;
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.pixels = pixels;
    }

    public override string Name { get; }

    public override Stream Open()
    {
        var stream = new MemoryStream(64 + pixels.Length + pixels.Length / 8);
        if (channels == 1)
        {
            using var image = Image.LoadPixelData<L8>(pixels.Span, width, height);
            image.SaveAsPng(stream, GreyEncoder);
        }
        else
        {
            using var image = Image.LoadPixelData<Rgb24>(pixels.Span, width, height);
            image.SaveAsPng(stream, RgbEncoder);
        }
        stream.Position = 0;
        return stream;
    }
}
