using System.Buffers;
using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MultiModal.Encoders.Imaging;

/// <summary>Decoded pixels as interleaved bytes (1 to 4 channels) with the PIL mode they came from.</summary>
internal sealed class DecodedImage : IDisposable
{
    private readonly Image? image;
    private byte[]? rented;

    private DecodedImage(Image? image, byte[]? rented, int width, int height, int channels, PilMode mode, Rgb8 padColor)
    {
        this.image = image;
        this.rented = rented;
        Width = width;
        Height = height;
        Channels = channels;
        Mode = mode;
        PadColor = padColor;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Bytes per pixel: 1 (L, "1"), 2 (LA), 3 (RGB, "P" expanded), 4 (RGBA).</summary>
    public int Channels { get; }

    public PilMode Mode { get; }

    /// <summary>What index/value 0 becomes after convert("RGB"): palette entry 0 for "P", else black.</summary>
    public Rgb8 PadColor { get; }

    /// <summary>Row-major pixel bytes, Width * Channels per row, writable (premultiplication happens in place).</summary>
    public Span<byte> Pixels => image switch
    {
        Image<Rgb24> i => Bytes(i),
        Image<L8> i => Bytes(i),
        Image<La16> i => Bytes(i),
        Image<Rgba32> i => Bytes(i),
        _ => rented.AsSpan(0, Width * Height * Channels),
    };

    /// <summary>Wraps an ImageSharp image whose pixel type has the layout of <paramref name="mode"/>.</summary>
    public static DecodedImage Wrap<TPixel>(Image<TPixel> image, PilMode mode, Rgb8 padColor)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        int channels = System.Runtime.CompilerServices.Unsafe.SizeOf<TPixel>();
        if (image.DangerousTryGetSinglePixelMemory(out _))
        {
            return new DecodedImage(image, null, image.Width, image.Height, channels, mode, padColor);
        }
        // Not contiguous (very large image): copy once into a pooled buffer.
        var buffer = ArrayPool<byte>.Shared.Rent(checked(image.Width * image.Height * channels));
        image.CopyPixelDataTo(buffer.AsSpan(0, image.Width * image.Height * channels));
        var result = new DecodedImage(null, buffer, image.Width, image.Height, channels, mode, padColor);
        image.Dispose();
        return result;
    }

    /// <summary>
    /// Wraps a 16-bit-per-channel image as 8-bit taking each sample's high byte, as Pillow's "RGB;16B"/"RGBA;16B"/"LA;16B"
    /// unpackers do (ImageSharp's own 16→8 conversion rounds instead).
    /// </summary>
    public static DecodedImage FromRgba64(Image<Rgba64> image, PilMode mode, Rgb8 padColor)
    {
        using (image)
        {
            int channels = mode switch { PilMode.L => 1, PilMode.La => 2, PilMode.Rgba => 4, _ => 3 };
            var buffer = ArrayPool<byte>.Shared.Rent(checked(image.Width * image.Height * channels));
            int o = 0;
            var wide = ArrayPool<Rgba64>.Shared.Rent(image.Width * image.Height);
            try
            {
                image.CopyPixelDataTo(wide.AsSpan(0, image.Width * image.Height));
                foreach (Rgba64 p in wide.AsSpan(0, image.Width * image.Height))
                {
                    switch (channels)
                    {
                        case 1:
                            buffer[o++] = (byte)(p.R >> 8);
                            break;
                        case 2:
                            buffer[o++] = (byte)(p.R >> 8);
                            buffer[o++] = (byte)(p.A >> 8);
                            break;
                        default:
                            buffer[o++] = (byte)(p.R >> 8);
                            buffer[o++] = (byte)(p.G >> 8);
                            buffer[o++] = (byte)(p.B >> 8);
                            if (channels == 4)
                            {
                                buffer[o++] = (byte)(p.A >> 8);
                            }
                            break;
                    }
                }
            }
            finally
            {
                ArrayPool<Rgba64>.Shared.Return(wide);
            }
            return new DecodedImage(null, buffer, image.Width, image.Height, channels, mode, padColor);
        }
    }

    /// <summary>Takes ownership of a buffer rented from <see cref="ArrayPool{T}.Shared"/>.</summary>
    public static DecodedImage FromPooled(byte[] rented, int width, int height, int channels, PilMode mode, Rgb8 padColor) =>
        new(null, rented, width, height, channels, mode, padColor);

    public void Dispose()
    {
        image?.Dispose();
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
            rented = null;
        }
    }

    private static Span<byte> Bytes<TPixel>(Image<TPixel> image)
        where TPixel : unmanaged, IPixel<TPixel> =>
        image.DangerousTryGetSinglePixelMemory(out Memory<TPixel> memory)
            ? MemoryMarshal.AsBytes(memory.Span)
            : throw new InvalidOperationException("pixel memory is not contiguous");
}
