using System.Buffers.Binary;

namespace MultiModal.Encoders.Imaging;

/// <summary>
/// Byte-level checks ImageSharp 2.1 does not make, and the few header facts it does not expose: whether a JPEG is
/// complete (ImageSharp fills a truncated scan with grey where PIL raises "image file is truncated"), and palette
/// entry 0 of BMP and GIF (PIL pads "P" images with index 0, not black). PNG has its own reader, <see cref="PngLayout"/>.
/// </summary>
internal static class ContainerProbe
{
    /// <summary>Null when the JPEG's marker structure reaches EOI inside the data, else the problem in words.</summary>
    /// <param name="data">The file.</param>
    /// <param name="resumable">
    /// Whether the data stops where PIL with <c>LOAD_TRUNCATED_IMAGES</c> decodes what came before it (it appends an EOI
    /// marker): inside a scan's entropy-coded data, or between two segments after the first scan. Inside a marker
    /// segment it gives an all-black or no image instead, so that is not resumable.
    /// </param>
    /// <remarks>
    /// Walks segments by their lengths (so an EXIF thumbnail's own EOI is skipped) and, after each SOS, the entropy-
    /// coded data up to the next marker (0xFF followed by neither 0x00 stuffing nor RSTn), as libjpeg reads it.
    /// Bytes after EOI are ignored, as libjpeg and PIL ignore them.
    /// </remarks>
    public static string? CheckJpeg(ReadOnlySpan<byte> data, out bool resumable)
    {
        resumable = false;
        bool sawScan = false;
        int pos = 2; // after SOI (DetectFormat checked FF D8)
        while (true)
        {
            while (pos < data.Length && data[pos] != 0xFF)
            {
                pos++; // libjpeg: "extraneous bytes before marker", skipped
            }
            while (pos < data.Length && data[pos] == 0xFF)
            {
                pos++; // fill bytes
            }
            if (pos >= data.Length)
            {
                resumable = sawScan;
                return "JPEG is truncated: the data ends before the end-of-image marker (PIL: image file is truncated)";
            }
            byte marker = data[pos++];
            if (marker == 0xD9)
            {
                return null;
            }
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue; // TEM and RSTn carry no length
            }
            if (pos + 2 > data.Length)
            {
                return $"JPEG is truncated inside marker 0xFF{marker:X2}";
            }
            int length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos, 2));
            if (length < 2 || pos + length > data.Length)
            {
                return $"JPEG is truncated inside segment 0xFF{marker:X2} (declares {length} bytes, {data.Length - pos} left)";
            }
            pos += length;
            if (marker == 0xDA)
            {
                sawScan = true;
                // Entropy-coded data: a marker is 0xFF followed by a byte other than 0x00 (stuffing) or RSTn.
                while (true)
                {
                    int ff = data[pos..].IndexOf((byte)0xFF);
                    if (ff < 0 || pos + ff + 1 >= data.Length)
                    {
                        resumable = true;
                        return "JPEG is truncated inside the compressed scan data (PIL: image file is truncated)";
                    }
                    pos += ff + 1;
                    byte next = data[pos];
                    if (next != 0x00 && next is not (>= 0xD0 and <= 0xD7) && next != 0xFF)
                    {
                        pos--; // back to the 0xFF of the marker
                        break;
                    }
                }
            }
        }
    }

    /// <summary>
    /// PIL's mode for a palette BMP (BmpImagePlugin): "1" for a 2-colour black/white palette, "L" when entry i is grey i
    /// for every colour, else "P"; plus palette entry 0. Null mode when the BMP has no palette or it cannot be read.
    /// </summary>
    public static PilMode? BmpPaletteMode(ReadOnlySpan<byte> data, int bitsPerPixel, out Rgb8 palette0)
    {
        palette0 = default;
        if (bitsPerPixel > 8 || data.Length < 18)
        {
            return null;
        }
        int headerSize = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(14, 4));
        int entrySize = headerSize == 12 ? 3 : 4; // BITMAPCOREHEADER uses RGBTRIPLE
        int colors = 0;
        if (headerSize >= 40 && data.Length >= 14 + 36)
        {
            colors = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(14 + 32, 4));
        }
        if (colors <= 0 || colors > 256)
        {
            colors = 1 << bitsPerPixel;
        }
        int start = 14 + headerSize;
        if (headerSize < 12 || start + (long)colors * entrySize > data.Length)
        {
            return null;
        }
        ReadOnlySpan<byte> palette = data.Slice(start, colors * entrySize);
        palette0 = new Rgb8(palette[2], palette[1], palette[0]); // stored B, G, R
        bool grey = true;
        int[] indices = colors == 2 ? [0, 255] : Enumerable.Range(0, colors).ToArray();
        for (int i = 0; i < indices.Length && grey; i++)
        {
            int v = indices[i];
            int o = i * entrySize;
            grey = palette[o] == v && palette[o + 1] == v && palette[o + 2] == v;
        }
        return grey ? (colors == 2 ? PilMode.Bilevel : PilMode.L) : PilMode.Palette;
    }

    /// <summary>
    /// PIL's mode for a WebP (WebPImagePlugin via libwebp's WebPGetFeatures): "RGBA" when the bitstream says it uses
    /// alpha (VP8X flag 0x10, VP8L alpha_is_used bit), else "RGB". ImageSharp reports every lossless WebP as 32-bit.
    /// </summary>
    public static PilMode WebpMode(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 21 && data.Slice(12, 4).SequenceEqual("VP8X"u8))
        {
            return (data[20] & 0x10) != 0 ? PilMode.Rgba : PilMode.Rgb;
        }
        if (data.Length >= 25 && data.Slice(12, 4).SequenceEqual("VP8L"u8))
        {
            // 0x2F signature, then 14 bits width - 1, 14 bits height - 1, 1 bit alpha_is_used (little-endian bits).
            return ((BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(21, 4)) >> 28) & 1) != 0 ? PilMode.Rgba : PilMode.Rgb;
        }
        return PilMode.Rgb;
    }

    /// <summary>Entry 0 of a GIF's global colour table, black when it has none.</summary>
    public static Rgb8 GifPalette0(ReadOnlySpan<byte> data) =>
        data.Length >= 16 && (data[10] & 0x80) != 0 ? new Rgb8(data[13], data[14], data[15]) : default;
}

/// <summary>One 8-bit RGB colour.</summary>
internal readonly record struct Rgb8(byte R, byte G, byte B);
