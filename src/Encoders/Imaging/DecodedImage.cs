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

    /// <summary>Bytes per pixel: 1 (L, "1"), 2 (LA), 3 (RGB, "P" expanded), 4 (RGBA, or one int32 for "I").</summary>
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

    /// <summary>The pixels of a mode "I" image, one int32 each.</summary>
    public Span<int> Int32Pixels => Mode == PilMode.I
        ? MemoryMarshal.Cast<byte, int>(Pixels)
        : throw new InvalidOperationException($"mode {Mode} is not stored as int32");

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
    /// Wraps a 16-bit-per-channel image as 8-bit RGB or RGBA (<paramref name="mode"/>) taking each sample's high byte, as
    /// Pillow's "RGB;16B", "RGBA;16B" and "LA;16B" (grey + alpha → "RGBA") unpackers do; ImageSharp's own 16→8
    /// conversion rounds instead.
    /// </summary>
    public static DecodedImage FromRgba64(Image<Rgba64> image, PilMode mode, Rgb8 padColor)
    {
        using (image)
        {
            int channels = mode switch
            {
                PilMode.Rgba => 4,
                PilMode.Rgb => 3,
                _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "16-bit samples become RGB or RGBA"),
            };
            int count = checked(image.Width * image.Height);
            var buffer = ArrayPool<byte>.Shared.Rent(checked(count * channels));
            var wide = ArrayPool<Rgba64>.Shared.Rent(count);
            try
            {
                image.CopyPixelDataTo(wide.AsSpan(0, count));
                int o = 0;
                foreach (Rgba64 p in wide.AsSpan(0, count))
                {
                    buffer[o] = (byte)(p.R >> 8);
                    buffer[o + 1] = (byte)(p.G >> 8);
                    buffer[o + 2] = (byte)(p.B >> 8);
                    if (channels == 4)
                    {
                        buffer[o + 3] = (byte)(p.A >> 8);
                    }
                    o += channels;
                }
            }
            finally
            {
                ArrayPool<Rgba64>.Shared.Return(wide);
            }
            return new DecodedImage(null, buffer, image.Width, image.Height, channels, mode, padColor);
        }
    }

    /// <summary>
    /// A 16-bit grey image as PIL mode "I": PngImagePlugin unpacks "I;16B" into 32-bit integers holding the samples
    /// unchanged (no scaling to 8 bits).
    /// </summary>
    public static DecodedImage FromL16(Image<L16> image)
    {
        using (image)
        {
            int count = checked(image.Width * image.Height);
            var buffer = ArrayPool<byte>.Shared.Rent(checked(count * sizeof(int)));
            Span<int> values = MemoryMarshal.Cast<byte, int>(buffer.AsSpan(0, count * sizeof(int)));
            var samples = ArrayPool<L16>.Shared.Rent(count);
            try
            {
                image.CopyPixelDataTo(samples.AsSpan(0, count));
                for (int i = 0; i < count; i++)
                {
                    values[i] = samples[i].PackedValue;
                }
            }
            finally
            {
                ArrayPool<L16>.Shared.Return(samples);
            }
            return new DecodedImage(null, buffer, image.Width, image.Height, sizeof(int), PilMode.I, default);
        }
    }

    /// <summary>Whether every byte of the last row is zero.</summary>
    public bool LastRowIsBlank => Pixels[^(Width * Channels)..].IndexOfAnyExcept((byte)0) < 0;

    /// <summary>
    /// Sets rows [<paramref name="firstRow"/>, Height) to what a truncated PIL image holds there: zero bytes (black,
    /// transparent), palette entry 0 for "P".
    /// </summary>
    public void BlankRowsFrom(int firstRow)
    {
        Span<byte> rows = Pixels[(Math.Clamp(firstRow, 0, Height) * Width * Channels)..];
        if (Mode != PilMode.Palette)
        {
            rows.Clear();
            return;
        }
        for (int i = 0; i + 2 < rows.Length; i += 3)
        {
            rows[i] = PadColor.R;
            rows[i + 1] = PadColor.G;
            rows[i + 2] = PadColor.B;
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
