using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace MultiModal.Encoders.Imaging;

/// <summary>
/// A PNG's chunk layout, read byte by byte before ImageSharp sees the file, and the stream ImageSharp is given: only
/// the chunks PIL computes pixels from.
/// </summary>
/// <remarks>
/// <para>
/// PIL's PngImagePlugin takes pixels from IHDR, the PLTE and tRNS chunks before the image data, and the first run of
/// consecutive IDAT chunks (it stops reading image data at the first other chunk). Everything else (text, ICC profile,
/// gAMA, cHRM, sRGB, EXIF, APNG frames) only fills <c>info</c> and never changes a pixel; ImageSharp 2.1 does not apply
/// them either. But ImageSharp inflates every zTXt and iTXt chunk in full as it meets them, so 400 KB of text chunks
/// once took 40–60 s and 2.7 GB (issue 10). Handing it IHDR, PLTE, tRNS, the IDAT run and IEND bounds the work by the
/// image data, which <see cref="ImagePreprocessOptions.MaxPixels"/> limits.
/// </para>
/// <para>
/// Metadata is skipped, never inflated, so unlike PIL a file is not refused for it: PIL raises on a text or ICC chunk
/// that inflates past 1 MB (MAX_TEXT_CHUNK), on 64 MB of text in all, and on a bad CRC in an ancillary chunk, none of
/// which changes the pixels decoded here.
/// </para>
/// </remarks>
internal sealed class PngLayout
{
    private static readonly byte[] EndChunk = [0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82];

    private readonly List<(int Start, int Length)> pixelChunks = []; // IHDR/PLTE/tRNS before the data, whole IDAT chunks
    private (int Start, int Length) cutImageData;                    // body bytes of an IDAT cut by the end of the file

    private PngLayout()
    {
    }

    public int Width { get; private set; }

    public int Height { get; private set; }

    public int BitDepth { get; private set; }

    public int ColorType { get; private set; }

    public bool Interlaced { get; private set; }

    /// <summary>Palette entry 0 (black without a PLTE chunk): what PIL pads "P" images with.</summary>
    public Rgb8 Palette0 { get; private set; }

    /// <summary>Why the file counts as truncated (no IEND, or a chunk cut by the end of the data), else null.</summary>
    public string? Truncation { get; private set; }

    /// <summary>
    /// Filtered image bytes the header promises, filter-type bytes included: every row of every Adam7 pass that has
    /// pixels (PNG spec 8.2), or Height rows. PIL decodes until it has them all and calls the file truncated otherwise.
    /// </summary>
    public long ExpectedImageBytes
    {
        get
        {
            if (!Interlaced)
            {
                return Height * (1 + RowBytes(Width));
            }
            ReadOnlySpan<int> passes = [0, 0, 8, 8, 4, 0, 8, 8, 0, 4, 4, 8, 2, 0, 4, 4, 0, 2, 2, 4, 1, 0, 2, 2, 0, 1, 1, 2];
            long total = 0;
            for (int p = 0; p < passes.Length; p += 4)
            {
                long w = Math.Max(0L, ((long)Width - passes[p] + passes[p + 2] - 1) / passes[p + 2]);
                long h = Math.Max(0L, ((long)Height - passes[p + 1] + passes[p + 3] - 1) / passes[p + 3]);
                total += w == 0 ? 0 : h * (1 + RowBytes(w));
            }
            return total;
        }
    }

    /// <summary>Bytes of one filtered row of the whole image, its filter-type byte included.</summary>
    public long FilteredRowBytes => 1 + RowBytes(Width);

    /// <summary>Walks the chunks; null with <paramref name="problem"/> set when the file cannot be a usable PNG.</summary>
    public static PngLayout? Read(ReadOnlySpan<byte> data, out string? problem)
    {
        var layout = new PngLayout();
        problem = null;
        bool sawHeader = false;
        int imageData = 0; // 0 before the first IDAT, 1 inside the first run, 2 after it
        int pos = 8;
        while (true)
        {
            if (pos + 8 > data.Length)
            {
                layout.Truncation = "PNG is truncated: the data ends before the IEND chunk";
                break;
            }
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(pos, 4));
            ReadOnlySpan<byte> type = data.Slice(pos + 4, 4);
            if (!IsChunkType(type))
            {
                problem = $"PNG chunk at byte {pos} has an invalid type 0x{Convert.ToHexString(type)} (corrupt or not PNG data)";
                return null;
            }
            string name = System.Text.Encoding.ASCII.GetString(type);
            bool isData = type.SequenceEqual("IDAT"u8);
            if (length > int.MaxValue || pos + 12L + length > data.Length)
            {
                layout.Truncation = $"PNG is truncated inside chunk {name} (declares {length} bytes, {Math.Max(0, data.Length - pos - 12)} left)";
                if (isData && imageData < 2 && sawHeader)
                {
                    int start = pos + 8;
                    layout.cutImageData = (start, (int)Math.Min(length, (uint)Math.Max(0, data.Length - start)));
                }
                break;
            }
            ReadOnlySpan<byte> body = data.Slice(pos + 8, (int)length);
            if (type.SequenceEqual("IEND"u8))
            {
                break;
            }
            if (isData)
            {
                if (!sawHeader)
                {
                    problem = "PNG image data (IDAT) comes before the IHDR header chunk";
                    return null;
                }
                if (imageData < 2)
                {
                    imageData = 1;
                    layout.pixelChunks.Add((pos, 12 + (int)length));
                }
            }
            else
            {
                imageData = imageData == 1 ? 2 : imageData; // PIL reads image data up to the first other chunk
                if (imageData == 0 && type.SequenceEqual("IHDR"u8))
                {
                    problem = layout.ReadHeader(body);
                    if (problem is not null)
                    {
                        return null;
                    }
                    sawHeader = true;
                    layout.pixelChunks.Add((pos, 12 + (int)length));
                }
                else if (imageData == 0 && (type.SequenceEqual("PLTE"u8) || type.SequenceEqual("tRNS"u8)))
                {
                    if (type[0] == (byte)'P' && length >= 3)
                    {
                        layout.Palette0 = new Rgb8(body[0], body[1], body[2]);
                    }
                    layout.pixelChunks.Add((pos, 12 + (int)length));
                }
            }
            pos += 12 + (int)length;
        }
        if (!sawHeader)
        {
            problem = layout.Truncation ?? "PNG has no IHDR header chunk";
            return null;
        }
        if (imageData == 0 && layout.cutImageData.Length == 0)
        {
            problem = layout.Truncation is null ? "PNG has no image data (IDAT chunk)" : layout.Truncation + ", before any image data";
            return null;
        }
        return layout;
    }

    /// <summary>
    /// The PNG ImageSharp decodes: signature, the pixel chunks in file order, and IEND. An IDAT cut by the end of the file
    /// is re-framed around the bytes that are there (a new length and CRC).
    /// </summary>
    public Stream OpenPixelStream(ReadOnlyMemory<byte> data)
    {
        var segments = new List<ReadOnlyMemory<byte>> { data[..8] };
        segments.AddRange(pixelChunks.Select(c => data.Slice(c.Start, c.Length)));
        if (cutImageData.Length > 0)
        {
            ReadOnlyMemory<byte> body = data.Slice(cutImageData.Start, cutImageData.Length);
            var head = new byte[8];
            BinaryPrimitives.WriteInt32BigEndian(head, body.Length);
            "IDAT"u8.CopyTo(head.AsSpan(4));
            var crc = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Update(Crc32.Update(Crc32.Initial, "IDAT"u8), body.Span) ^ Crc32.Initial);
            segments.AddRange([head, body, crc]);
        }
        segments.Add(EndChunk);
        return new SegmentReadStream(segments);
    }

    /// <summary>
    /// Inflates the image data (the first IDAT run, as far as the file holds it) up to <paramref name="limit"/> bytes,
    /// discarding the output, and returns how many bytes it gave: fewer than <see cref="ExpectedImageBytes"/> means the
    /// compressed rows end early.
    /// </summary>
    /// <exception cref="InvalidDataException">The zlib stream is corrupt.</exception>
    public long InflateImageData(ReadOnlyMemory<byte> data, long limit)
    {
        var bodies = pixelChunks
            .Where(c => data.Span.Slice(c.Start + 4, 4).SequenceEqual("IDAT"u8))
            .Select(c => data.Slice(c.Start + 8, c.Length - 12))
            .Append(data.Slice(cutImageData.Start, cutImageData.Length));
        using var zlib = new ZLibStream(new SegmentReadStream(bodies), CompressionMode.Decompress);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            long total = 0;
            while (total < limit)
            {
                int n = zlib.Read(scratch, 0, (int)Math.Min(scratch.Length, limit - total));
                if (n == 0)
                {
                    break;
                }
                total += n;
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private string? ReadHeader(ReadOnlySpan<byte> body)
    {
        if (body.Length < 13)
        {
            return $"PNG IHDR chunk is {body.Length} bytes, 13 expected";
        }
        uint width = BinaryPrimitives.ReadUInt32BigEndian(body);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue)
        {
            // PNG spec 11.2.2: "Zero is an invalid value. The maximum for each is 2^31-1."
            return $"PNG header declares {width}x{height} pixels; the PNG spec allows 1 to 2^31-1 per side";
        }
        Width = (int)width;
        Height = (int)height;
        BitDepth = body[8];
        ColorType = body[9];
        Interlaced = body[12] == 1;
        if (body[10] != 0 || body[11] != 0 || body[12] > 1)
        {
            return $"PNG header declares compression {body[10]}, filter {body[11]}, interlace {body[12]}; only 0, 0 and 0 or 1 exist";
        }
        bool valid = ColorType switch
        {
            0 => BitDepth is 1 or 2 or 4 or 8 or 16,
            3 => BitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => BitDepth is 8 or 16,
            _ => false,
        };
        return valid ? null : $"PNG header declares colour type {ColorType} with bit depth {BitDepth}, which the PNG spec does not allow";
    }

    private long RowBytes(long width)
    {
        int samples = ColorType switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 };
        return (width * samples * BitDepth + 7) / 8;
    }

    /// <summary>PNG spec 5.4: chunk types are four ASCII letters.</summary>
    private static bool IsChunkType(ReadOnlySpan<byte> type)
    {
        foreach (byte b in type)
        {
            if (b is not ((>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z')))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The CRC-32 of PNG chunks (PNG spec annex D), for a re-framed IDAT.</summary>
    private static class Crc32
    {
        public const uint Initial = 0xFFFFFFFF;

        private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
        {
            uint c = (uint)n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
            return c;
        }).ToArray();

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            foreach (byte b in data)
            {
                crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }
            return crc;
        }
    }
}
