using System.Buffers.Binary;

namespace MultiModal.Encoders.Imaging;

/// <summary>
/// Whether a GIF, BMP, TIFF or WebP file holds all the image data its headers point to. ImageSharp 2.1 decodes such
/// files cut short without a word (the missing part black or transparent), where PIL raises "image file is
/// truncated" (WebP: "could not create decoder object"); these checks let the reader refuse them the same way.
/// </summary>
/// <remarks>
/// Only the layout is read, never pixels: each check is a walk over headers, bounded by the file length (a lossless
/// WebP's transform and entropy sub-images are read, <see cref="WebpLosslessProbe"/>, but not its pixels). A file these
/// checks do not understand (RLE-less oddities, BigTIFF) passes through to ImageSharp unchanged.
/// </remarks>
internal static class ContainerCompleteness
{
    // ImageSharp 2.1.13 WebpLosslessDecoder.TableSize: HuffmanCode entries (8 bytes each) per group, by colour-cache bits.
    private static readonly int[] ImageSharpTableSize = [2954, 2956, 2958, 2962, 2970, 2986, 3018, 3082, 3212, 3468, 3980, 5004];

    /// <summary>libwebp's encoder writes at most 2600 groups (MAX_HUFF_IMAGE_SIZE); more is refused, with room to spare.</summary>
    private const int MaxPrefixCodeGroups = 4096;

    /// <summary>Bits a group needs at the least: five prefix codes, each at least a 4-bit simple code.</summary>
    private const int MinBitsPerGroup = 5 * 4;

    /// <summary>Null when the data of the image that will be decoded lies inside the file, else the problem in words.</summary>
    public static string? Check(ImageFormatKinds kind, ReadOnlySpan<byte> data) => kind switch
    {
        ImageFormatKinds.Gif => CheckGif(data),
        ImageFormatKinds.Bmp => CheckBmp(data),
        ImageFormatKinds.Tiff => CheckTiff(data),
        ImageFormatKinds.Webp => CheckWebp(data),
        _ => null,
    };

    /// <summary>GIF89a spec: header, colour table, then blocks up to the end of the first image's data sub-blocks.</summary>
    private static string? CheckGif(ReadOnlySpan<byte> data)
    {
        const string Cut = "GIF is truncated before the end of its first image (PIL: image file is truncated)";
        if (data.Length < 13)
        {
            return Cut;
        }
        long pos = 13 + ((data[10] & 0x80) != 0 ? 3L << ((data[10] & 7) + 1) : 0);
        while (pos < data.Length)
        {
            byte block = data[(int)pos];
            if (block == 0x3B)
            {
                return null; // trailer before any image: ImageSharp says what is wrong
            }
            if (block == 0x21)
            {
                pos = SkipSubBlocks(data, pos + 2); // extension: introducer, label, sub-blocks
            }
            else if (block == 0x2C)
            {
                if (pos + 10 > data.Length)
                {
                    return Cut;
                }
                byte flags = data[(int)pos + 9];
                pos += 10 + ((flags & 0x80) != 0 ? 3L << ((flags & 7) + 1) : 0) + 1; // descriptor, local table, LZW code size
                return SkipSubBlocks(data, pos) <= data.Length ? null : Cut;
            }
            else
            {
                return null; // not a block introducer: corrupt, which ImageSharp reports
            }
        }
        return Cut;
    }

    /// <summary>Position after a chain of sub-blocks (length byte, data) ended by a zero length; past the end when cut.</summary>
    private static long SkipSubBlocks(ReadOnlySpan<byte> data, long pos)
    {
        while (pos < data.Length)
        {
            byte size = data[(int)pos];
            pos += 1 + size;
            if (size == 0)
            {
                return pos;
            }
        }
        return data.Length + 1L;
    }

    /// <summary>Uncompressed BMP: the pixel array (rows padded to 4 bytes) must fit; RLE: its end-of-bitmap code must be there.</summary>
    private static string? CheckBmp(ReadOnlySpan<byte> data)
    {
        if (data.Length < 26)
        {
            return "BMP is truncated inside its headers";
        }
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        int headerSize = BinaryPrimitives.ReadInt32LittleEndian(data[14..]);
        long width, height;
        int bits, compression = 0;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[20..]);
            bits = BinaryPrimitives.ReadUInt16LittleEndian(data[24..]);
        }
        else if (headerSize is 40 or 52 or 56 or 64 or 108 or 124 && data.Length >= 14 + 40)
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..])); // negative: top-down
            bits = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]);
            compression = BinaryPrimitives.ReadInt32LittleEndian(data[30..]);
            // The header's fields are checked here, as PIL's BmpImagePlugin checks them, before ImageSharp sizes
            // buffers from them (a 77-byte file with a nonsense header made it run out of memory).
            long colors = BinaryPrimitives.ReadUInt32LittleEndian(data[46..]);
            if (bits is not (1 or 2 or 4 or 8 or 16 or 24 or 32))
            {
                return $"unsupported BMP pixel depth ({bits}) (PIL: Unsupported BMP pixel depth)";
            }
            if (compression is not (0 or 1 or 2 or 3))
            {
                return $"unsupported BMP compression ({compression})";
            }
            if (bits <= 8 && colors > 1L << bits)
            {
                return $"BMP palette of {colors} colours for {bits}-bit pixels (PIL: Unsupported BMP Palette size)";
            }
            if (offset < 14 + headerSize || offset > data.Length)
            {
                return $"BMP pixel data offset {offset} lies outside the file ({data.Length} bytes)";
            }
        }
        else if (data.Length < 14 + 40 && headerSize >= 40)
        {
            return "BMP is truncated inside its headers";
        }
        else
        {
            return $"unsupported BMP header type ({headerSize}) (PIL: Unsupported BMP header type)";
        }
        if (width <= 0 || height == 0)
        {
            return $"BMP header declares an empty image ({width}x{height})";
        }
        if (compression is 1 or 2)
        {
            return RleEnds(data, offset, fourBit: compression == 2) ? null
                : "BMP is truncated: its RLE data ends before the end-of-bitmap code (PIL: image file is truncated)";
        }
        if (compression is not (0 or 3 or 6) || width <= 0)
        {
            return null; // embedded JPEG/PNG or nonsense: ImageSharp decides
        }
        long needed = offset + (width * bits + 31) / 32 * 4 * height;
        return needed <= data.Length ? null
            : $"BMP is truncated: its pixel data needs {needed} bytes, the file has {data.Length} (PIL: image file is truncated)";
    }

    /// <summary>Walks BI_RLE8 / BI_RLE4 codes: runs, end of line, delta, absolute runs (word aligned), up to end of bitmap.</summary>
    private static bool RleEnds(ReadOnlySpan<byte> data, long pos, bool fourBit)
    {
        while (pos + 1 < data.Length)
        {
            byte count = data[(int)pos], value = data[(int)pos + 1];
            pos += 2;
            if (count > 0 || value == 0)
            {
                continue; // encoded run, or end of line
            }
            if (value == 1)
            {
                return true; // end of bitmap
            }
            if (value == 2)
            {
                pos += 2; // delta
                continue;
            }
            long bytes = fourBit ? (value + 1) / 2 : value;
            pos += bytes + (bytes & 1); // absolute run, padded to a 16-bit boundary
        }
        return false;
    }

    /// <summary>
    /// Classic TIFF: the first IFD and every strip or tile it points to must lie inside the file, and an uncompressed
    /// strip must hold the bytes its rows need (PIL: "buffer is not large enough"; ImageSharp fills the rest black).
    /// </summary>
    private static string? CheckTiff(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8)
        {
            return "TIFF is truncated inside its header";
        }
        if (ReadTiffDirectory(data) is not { } dir)
        {
            return U16(data, data[0] == (byte)'I', 2) != 42 ? null // BigTIFF (43): left to ImageSharp
                : "TIFF is truncated: its first directory (IFD) lies past the end of the file";
        }
        if (dir.Offsets is not { } o || dir.Counts is not { } c || o.Count != c.Count || o.Type is not (3 or 4) || c.Type is not (3 or 4))
        {
            return null; // no strips or an odd layout: ImageSharp decides
        }
        long size = o.Type == 3 ? 2 : 4, countSize = c.Type == 3 ? 2 : 4;
        if (o.At + o.Count * size > data.Length || c.At + c.Count * countSize > data.Length)
        {
            return "TIFF is truncated: its strip or tile table lies past the end of the file";
        }
        // Uncompressed chunky strips: each holds min(RowsPerStrip, rows left) rows of width × bits-per-pixel.
        bool rawStrips = dir.Compression == 1 && dir.Planar == 1 && !dir.Tiled && dir.Width > 0 && dir.Height > 0
                         && dir.BitsPerSample is >= 1 and <= 32 && dir.SamplesPerPixel is >= 1 and <= 8;
        long rowBytes = (dir.Width * dir.BitsPerSample * dir.SamplesPerPixel + 7) / 8;
        long rowsPerStrip = Math.Min(dir.RowsPerStrip, dir.Height);
        for (long i = 0; i < o.Count; i++)
        {
            long start = o.Type == 3 ? U16(data, dir.Little, o.At + 2 * i) : U32(data, dir.Little, o.At + 4 * i);
            long length = c.Type == 3 ? U16(data, dir.Little, c.At + 2 * i) : U32(data, dir.Little, c.At + 4 * i);
            if (start + length > data.Length)
            {
                return $"TIFF is truncated: strip or tile {i} ends at byte {start + length}, the file has {data.Length} (PIL: image file is truncated)";
            }
            long rows = Math.Min(rowsPerStrip, dir.Height - i * rowsPerStrip);
            if (rawStrips && rows > 0 && length / rowBytes < rows) // length < rows × rowBytes, without overflow
            {
                return $"TIFF is corrupt: uncompressed strip {i} holds {length} bytes, its {rows} rows of {dir.Width} pixels need {(Int128)rows * rowBytes} (PIL: buffer is not large enough)";
            }
        }
        return null;
    }

    /// <summary>
    /// A classic TIFF whose RowsPerStrip exceeds its height (legal: libtiff reads it as one strip) with the value
    /// clamped to the height in a copy; otherwise <paramref name="data"/> itself. ImageSharp 2.1 sizes its strip buffer
    /// from the raw value: 402,653,191 rows on a 17,165 × 7 image decoded for 22 s, 70,000 rows failed.
    /// </summary>
    public static ArraySegment<byte> ClampTiffRowsPerStrip(ArraySegment<byte> data)
    {
        if (data.Count < 8 || ReadTiffDirectory(data) is not { RowsPerStripEntry: { } entry } dir || dir.Height <= 0
            || dir.RowsPerStrip <= dir.Height || dir.RowsPerStrip == uint.MaxValue)
        {
            return data; // 2^32-1 is the spec's "one strip", which ImageSharp reads as such
        }
        var copy = data.ToArray();
        var value = copy.AsSpan((int)entry.At, entry.Type == 3 ? 2 : 4);
        switch (entry.Type, dir.Little)
        {
            case (3, true):
                BinaryPrimitives.WriteUInt16LittleEndian(value, (ushort)dir.Height);
                break;
            case (3, false):
                BinaryPrimitives.WriteUInt16BigEndian(value, (ushort)dir.Height);
                break;
            case (_, true):
                BinaryPrimitives.WriteUInt32LittleEndian(value, (uint)dir.Height);
                break;
            default:
                BinaryPrimitives.WriteUInt32BigEndian(value, (uint)dir.Height);
                break;
        }
        return copy;
    }

    private sealed record TiffDirectory(bool Little)
    {
        public (long At, uint Count, uint Type)? Offsets { get; set; }
        public (long At, uint Count, uint Type)? Counts { get; set; }
        public long Width { get; set; }
        public long Height { get; set; }
        public long BitsPerSample { get; set; } = 1;
        public long SamplesPerPixel { get; set; } = 1;
        public long Compression { get; set; } = 1;
        public long Planar { get; set; } = 1;
        public long RowsPerStrip { get; set; } = uint.MaxValue;
        public (long At, uint Type)? RowsPerStripEntry { get; set; }
        public bool Tiled { get; set; }
    }

    /// <summary>The first IFD's layout tags; null when it is not a classic TIFF or the IFD lies past the end.</summary>
    private static TiffDirectory? ReadTiffDirectory(ReadOnlySpan<byte> data)
    {
        bool little = data[0] == (byte)'I';
        if (U16(data, little, 2) != 42)
        {
            return null;
        }
        long ifd = U32(data, little, 4);
        if (ifd + 2 > data.Length || ifd + 2 + 12L * U16(data, little, ifd) > data.Length)
        {
            return null;
        }
        var dir = new TiffDirectory(little);
        for (long e = ifd + 2, end = e + 12 * U16(data, little, ifd); e < end; e += 12)
        {
            uint tag = U16(data, little, e), type = U16(data, little, e + 2), count = U32(data, little, e + 4);
            long at = (type == 3 ? 2L : 4L) * count <= 4 ? e + 8 : U32(data, little, e + 8);
            // A single SHORT or LONG value sits in the entry itself.
            long? scalar = count == 1 && type is 3 or 4 ? (type == 3 ? U16(data, little, e + 8) : U32(data, little, e + 8)) : null;
            switch (tag)
            {
                case 273 or 324:
                    dir.Offsets = (at, count, type);
                    dir.Tiled |= tag == 324;
                    break;
                case 279 or 325:
                    dir.Counts = (at, count, type);
                    break;
                case 256 when scalar is { } w:
                    dir.Width = w;
                    break;
                case 257 when scalar is { } h:
                    dir.Height = h;
                    break;
                case 258 when type == 3 && at + 2 <= data.Length:
                    dir.BitsPerSample = U16(data, little, at); // the first sample's; chunky files give all the same
                    break;
                case 259 when scalar is { } compression:
                    dir.Compression = compression;
                    break;
                case 277 when scalar is { } samples:
                    dir.SamplesPerPixel = samples;
                    break;
                case 278 when scalar is { } rows:
                    dir.RowsPerStrip = rows;
                    dir.RowsPerStripEntry = (e + 8, type);
                    break;
                case 284 when scalar is { } planar:
                    dir.Planar = planar;
                    break;
            }
        }
        return dir;
    }

    private static uint U16(ReadOnlySpan<byte> data, bool little, long at) => little
        ? BinaryPrimitives.ReadUInt16LittleEndian(data.Slice((int)at, 2))
        : BinaryPrimitives.ReadUInt16BigEndian(data.Slice((int)at, 2));

    private static uint U32(ReadOnlySpan<byte> data, bool little, long at) => little
        ? BinaryPrimitives.ReadUInt32LittleEndian(data.Slice((int)at, 4))
        : BinaryPrimitives.ReadUInt32BigEndian(data.Slice((int)at, 4));

    /// <summary>
    /// RIFF: every chunk declared within the RIFF size must lie inside the file (libwebp refuses a cut one); then the
    /// lossless bitstream, if any, up to its entropy image (<see cref="CheckLossless"/>).
    /// </summary>
    private static string? CheckWebp(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12)
        {
            return "WebP is truncated inside its RIFF header";
        }
        long riffEnd = 8L + BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        (int Start, int Length)? lossless = null;
        bool extended = false, animated = false;
        for (long pos = 12; pos < riffEnd; )
        {
            if (pos + 8 > data.Length)
            {
                return $"WebP is truncated: the RIFF container declares {riffEnd} bytes, the file has {data.Length} (PIL: could not create decoder object)";
            }
            long size = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice((int)pos + 4, 4));
            if (pos + 8 + size > data.Length)
            {
                string chunk = System.Text.Encoding.ASCII.GetString(data.Slice((int)pos, 4));
                return $"WebP is truncated inside chunk {chunk} (declares {size} bytes, {data.Length - pos - 8} left; PIL: could not create decoder object)";
            }
            ReadOnlySpan<byte> fourCc = data.Slice((int)pos, 4);
            extended |= pos == 12 && fourCc.SequenceEqual("VP8X"u8);
            animated |= fourCc.SequenceEqual("ANIM"u8) || fourCc.SequenceEqual("ANMF"u8);
            if (lossless is null && fourCc.SequenceEqual("VP8L"u8) && (pos == 12 || extended))
            {
                lossless = ((int)pos + 8, (int)size); // the image of a simple file is its first chunk; of VP8X, the first VP8L
            }
            pos += 8 + size + (size & 1);
        }
        return lossless is { } found && !animated ? CheckLossless(data.Slice(found.Start, found.Length)) : null;
    }

    /// <summary>
    /// A VP8L bitstream: its transforms and entropy image must be well formed, and the number of prefix-code groups
    /// the entropy image names must fit in the rest of the chunk and stay under <see cref="MaxPrefixCodeGroups"/>.
    /// ImageSharp 2.1 allocates every group's tables (about 24 KB each) before reading any, so a 116-byte file whose
    /// entropy image names group 65314 made it allocate 1.5 GB and run out of memory (fuzz finding e62ed6b5).
    /// </summary>
    private static string? CheckLossless(ReadOnlySpan<byte> payload)
    {
        if (WebpLosslessProbe.Read(payload, out string? problem) is not { } layout)
        {
            return $"WebP lossless bitstream is corrupt: {problem} (PIL: could not create decoder object)";
        }
        long needed = (long)layout.GroupCount * MinBitsPerGroup;
        if (needed > layout.BitsLeft)
        {
            return $"WebP lossless bitstream is corrupt: its entropy image names {layout.GroupCount} prefix-code groups, and the "
                + $"{layout.BitsLeft} bits after it cannot hold them (at least {needed} bits) (PIL: could not create decoder object)";
        }
        if (layout.GroupCount > MaxPrefixCodeGroups)
        {
            long megabytes = (long)layout.GroupCount * ImageSharpTableSize[layout.ColorCacheBits] * 8 / (1 << 20);
            return $"WebP lossless image uses {layout.GroupCount} prefix-code groups, more than {MaxPrefixCodeGroups} (libwebp's "
                + $"encoder writes at most 2600); ImageSharp 2.1 would allocate {megabytes} MB of Huffman tables up front";
        }
        return null;
    }
}
