using System.Buffers;
using System.Buffers.Binary;

namespace MultiModal.Encoders.Imaging;

/// <summary>
/// A JPEG decoder that reproduces libjpeg-turbo's default decompression (what PIL 9.4 uses) byte for byte: Huffman
/// baseline/extended/progressive, JDCT_ISLOW, fancy upsampling, jdcolor.c integer YCbCr→RGB.
/// </summary>
/// <remarks>
/// ImageSharp 2.1 decodes with a float IDCT and box chroma upsampling, which moved the CLIP tensor 0.005–0.012 from
/// PIL's on the test photos (above the 0.004 parity tolerance). Anything this decoder does not cover (arithmetic
/// coding, lossless, 12-bit, CMYK/YCCK, DNL) returns null and the caller falls back to ImageSharp.
/// </remarks>
internal sealed partial class JpegDecoder
{
    private readonly JpegHuffmanTable?[] dcTables = new JpegHuffmanTable?[4];
    private readonly JpegHuffmanTable?[] acTables = new JpegHuffmanTable?[4];
    private readonly ushort[][] quantTables = new ushort[4][];
    private JpegFrame? frame;
    private int restartInterval;
    private bool sawJfif;
    private bool sawAdobe;
    private int adobeTransform;

    /// <summary>ITU T.81 Figure A.6 zig-zag → natural order, padded with 63 so corrupt run lengths stay in bounds (jutils.c).</summary>
    internal static readonly byte[] NaturalOrder =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    ];

    /// <summary>
    /// Decodes <paramref name="data"/>; null when the file uses a feature this decoder leaves to ImageSharp.
    /// Throws <see cref="InvalidDataException"/> for corrupt data and <see cref="ImageTooLargeException"/> from the header.
    /// </summary>
    /// <param name="data">The whole file, through EOI.</param>
    /// <param name="sourceName">Name for messages.</param>
    /// <param name="maxPixels">Largest width * height accepted, checked at the frame header.</param>
    /// <param name="allowTruncated">
    /// Accept a scan whose data stops before its last MCU (libjpeg's "premature end of data segment"): the MCUs left have
    /// all-zero coefficients, grey after the IDCT, as libjpeg and PIL leave them. Otherwise an
    /// <see cref="ImageDecodeException"/> says the image is truncated.
    /// </param>
    public static DecodedImage? Decode(ReadOnlySpan<byte> data, string sourceName, long maxPixels, bool allowTruncated) =>
        new JpegDecoder().Run(data, sourceName, maxPixels, allowTruncated);

    private DecodedImage? Run(ReadOnlySpan<byte> data, string sourceName, long maxPixels, bool allowTruncated)
    {
        int pos = 2;
        try
        {
            while (true)
            {
                while (pos < data.Length && data[pos] != 0xFF)
                {
                    pos++;
                }
                while (pos < data.Length && data[pos] == 0xFF)
                {
                    pos++;
                }
                if (pos >= data.Length)
                {
                    throw new InvalidDataException("no end-of-image marker");
                }
                byte marker = data[pos++];
                if (marker == 0xD9)
                {
                    break;
                }
                if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
                {
                    continue;
                }
                int length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos, 2));
                ReadOnlySpan<byte> body = data.Slice(pos + 2, length - 2);
                pos += length;
                switch (marker)
                {
                    case 0xC0 or 0xC1 or 0xC2:
                        if (frame is not null)
                        {
                            throw new InvalidDataException("more than one frame header");
                        }
                        if (!ReadFrame(body, marker == 0xC2, sourceName, maxPixels))
                        {
                            return null;
                        }
                        break;
                    case 0xC3 or (>= 0xC5 and <= 0xC7) or (>= 0xC9 and <= 0xCB) or (>= 0xCD and <= 0xCF):
                        return null; // lossless, hierarchical or arithmetic: ImageSharp's business
                    case 0xC4:
                        ReadHuffmanTables(body);
                        break;
                    case 0xDB:
                        ReadQuantTables(body);
                        break;
                    case 0xDD:
                        restartInterval = BinaryPrimitives.ReadUInt16BigEndian(body);
                        break;
                    case 0xE0:
                        sawJfif |= body.Length >= 5 && body[..5].SequenceEqual("JFIF\0"u8);
                        break;
                    case 0xEE:
                        if (body.Length >= 12 && body[..5].SequenceEqual("Adobe"u8))
                        {
                            sawAdobe = true;
                            adobeTransform = body[11];
                        }
                        break;
                    case 0xDA:
                        if (frame is null)
                        {
                            throw new InvalidDataException("scan before frame header");
                        }
                        pos = DecodeScan(data, body, pos);
                        break;
                }
            }
            if (frame is null)
            {
                throw new InvalidDataException("no frame header");
            }
            if (missing is { } m && !allowTruncated)
            {
                throw new ImageDecodeException(sourceName,
                    $"JPEG is truncated: the data of scan {m.Scan} stops at MCU {m.FirstMissing} of {m.Total} (libjpeg: premature " +
                    "end of data segment; PIL fills the rest with grey); ImagePreprocessOptions.AllowTruncated accepts that");
            }
            return Output(frame);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new InvalidDataException("JPEG segment runs past the end of the data", ex);
        }
        catch (IndexOutOfRangeException ex)
        {
            throw new InvalidDataException("JPEG data is inconsistent with its headers", ex);
        }
        finally
        {
            if (frame is not null)
            {
                foreach (var c in frame.Components)
                {
                    if (c.Coefficients.Length > 0)
                    {
                        ArrayPool<short>.Shared.Return(c.Coefficients);
                    }
                }
            }
        }
    }

    private bool ReadFrame(ReadOnlySpan<byte> body, bool progressive, string sourceName, long maxPixels)
    {
        int precision = body[0];
        int height = BinaryPrimitives.ReadUInt16BigEndian(body[1..]);
        int width = BinaryPrimitives.ReadUInt16BigEndian(body[3..]);
        int count = body[5];
        if (precision != 8 || height == 0 || (count != 1 && count != 3))
        {
            return false; // 12-bit, DNL-defined height, CMYK/YCCK or two components
        }
        if (width == 0)
        {
            throw new InvalidDataException("frame width is 0");
        }
        if ((long)width * height > maxPixels)
        {
            throw new ImageTooLargeException(sourceName, width, height, maxPixels);
        }
        var f = new JpegFrame { Progressive = progressive, Width = width, Height = height };
        // Declared sampling, kept for libjpeg's iMCU rows (block smoothing) even where a lone component's becomes 1x1.
        var declared = new (int H, int V)[count];
        f.Components = new JpegComponent[count];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> c = body.Slice(6 + 3 * i, 3);
            int h = c[1] >> 4, v = c[1] & 15;
            if (h is < 1 or > 4 || v is < 1 or > 4 || c[2] > 3)
            {
                throw new InvalidDataException("bad sampling factors or quantisation table index");
            }
            f.Components[i] = new JpegComponent { Id = c[0], H = h, V = v, QuantTable = c[2], ImcuV = v };
            declared[i] = (h, v);
            if (progressive)
            {
                f.Components[i].CoefBits = Enumerable.Repeat(-1, 64).ToArray(); // jdphuff.c: nothing sent yet
                f.Components[i].PrevCoefBits = new int[64];
            }
        }
        f.MaxH = f.Components.Max(c => c.H);
        f.MaxV = f.Components.Max(c => c.V);
        foreach (var c in f.Components)
        {
            if (f.MaxH % c.H != 0 || f.MaxV % c.V != 0)
            {
                return false; // libjpeg refuses fractional sampling ratios too
            }
        }
        f.McusPerLine = (width + 8 * f.MaxH - 1) / (8 * f.MaxH);
        f.McusPerColumn = (height + 8 * f.MaxV - 1) / (8 * f.MaxV);
        f.ImcuRows = f.McusPerColumn;
        for (int i = 0; i < count; i++)
        {
            JpegComponent c = f.Components[i];
            if (count == 1)
            {
                c.H = c.V = 1; // a single component is never interleaved: its MCU is one block
            }
            c.DownsampledWidth = (int)(((long)width * c.H + (count == 1 ? 1 : f.MaxH) - 1) / (count == 1 ? 1 : f.MaxH));
            c.DownsampledHeight = (int)(((long)height * c.V + (count == 1 ? 1 : f.MaxV) - 1) / (count == 1 ? 1 : f.MaxV));
            // jdcoefct.c: arrays padded to whole iMCUs (for a lone component, to its declared factors).
            c.BlocksPerLine = count == 1 ? RoundUp((width + 7) / 8, declared[i].H) : f.McusPerLine * c.H;
            c.BlocksPerColumn = count == 1 ? RoundUp((height + 7) / 8, declared[i].V) : f.McusPerColumn * c.V;
            int n = checked(c.BlocksPerLine * c.BlocksPerColumn * 64);
            c.Coefficients = ArrayPool<short>.Shared.Rent(n);
            Array.Clear(c.Coefficients, 0, n);
        }
        if (count == 1)
        {
            f.MaxH = f.MaxV = 1;
        }
        frame = f;
        return true;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private void ReadHuffmanTables(ReadOnlySpan<byte> body)
    {
        while (body.Length > 0)
        {
            int tc = body[0] >> 4, th = body[0] & 15;
            ReadOnlySpan<byte> counts = body.Slice(1, 16);
            int total = 0;
            foreach (byte n in counts)
            {
                total += n;
            }
            if (th > 3 || tc > 1 || total > 256)
            {
                throw new InvalidDataException("bad Huffman table header");
            }
            var table = JpegHuffmanTable.Create(counts, body.Slice(17, total)) ?? throw new InvalidDataException("bad Huffman table");
            (tc == 0 ? dcTables : acTables)[th] = table;
            body = body[(17 + total)..];
        }
    }

    private void ReadQuantTables(ReadOnlySpan<byte> body)
    {
        while (body.Length > 0)
        {
            int pq = body[0] >> 4, tq = body[0] & 15;
            if (tq > 3 || pq > 1)
            {
                throw new InvalidDataException("bad quantisation table header");
            }
            var table = new ushort[64];
            for (int k = 0; k < 64; k++)
            {
                table[NaturalOrder[k]] = pq == 0 ? body[1 + k] : BinaryPrimitives.ReadUInt16BigEndian(body.Slice(1 + 2 * k, 2));
            }
            quantTables[tq] = table;
            body = body[(1 + (pq == 0 ? 64 : 128))..];
        }
    }
}
