namespace MultiModal.Encoders.Imaging;

/// <summary>
/// Walks a WebP lossless (VP8L) bitstream from its header through its transforms to the end of its entropy image,
/// without decoding the main image, so the number of prefix-code groups is known before ImageSharp sizes tables by it.
/// </summary>
/// <remarks>
/// <para>
/// The bitstream is read as RFC 9649 (WebP lossless) lays it out, with libwebp's <c>src/dec/vp8l_dec.c</c> as the
/// reference for what a decoder refuses: codes that are not complete, repeats past the alphabet, backward references
/// before the start or past the end of a sub-image, and data that ends early.
/// </para>
/// <para>
/// Work and memory are linear in the data and in the sub-images' pixel counts, and no pixel buffer is kept: the only
/// result of a sub-image is its largest group index (<c>(argb &gt;&gt; 8) &amp; 0xffff</c>), and a backward reference
/// or a colour-cache lookup only repeats a pixel emitted before (or the cache's initial zero), so the maximum over the
/// literals is the maximum over all pixels. Reference bounds depend only on positions, so they are checked exactly.
/// Every pixel read costs at least one bit, except in a sub-image whose codes make every pixel the same zero-bit
/// literal or cache lookup, which is answered at once, and a zero-bit backward reference, which fails at pixel 0; so
/// the time is bounded by the chunk's length, whatever sizes the header declares.
/// </para>
/// </remarks>
internal static class WebpLosslessProbe
{
    private const byte Signature = 0x2F;
    private const int NumLiteralCodes = 256;
    private const int NumLengthCodes = 24;
    private const int NumDistanceCodes = 40;
    private const int MaxCodeLength = 15;
    private const int MaxCodeLengthCodeLength = 7;
    private const int MaxColorCacheBits = 11;

    // RFC 9649 section 3.7.2.1.2: the order in which the code-length code lengths are stored.
    private static ReadOnlySpan<byte> CodeLengthCodeOrder => [17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

    // RFC 9649 section 4.2.2: the 120 short distance codes as (dy << 4) | (8 - dx), as libwebp stores them.
    private static ReadOnlySpan<byte> CodeToPlane =>
    [
        0x18, 0x07, 0x17, 0x19, 0x28, 0x06, 0x27, 0x29, 0x16, 0x1a, 0x26, 0x2a, 0x38, 0x05, 0x37, 0x39, 0x15, 0x1b, 0x36, 0x3a,
        0x25, 0x2b, 0x48, 0x04, 0x47, 0x49, 0x14, 0x1c, 0x35, 0x3b, 0x46, 0x4a, 0x24, 0x2c, 0x58, 0x45, 0x4b, 0x34, 0x3c, 0x03,
        0x57, 0x59, 0x13, 0x1d, 0x56, 0x5a, 0x23, 0x2d, 0x44, 0x4c, 0x55, 0x5b, 0x33, 0x3d, 0x68, 0x02, 0x67, 0x69, 0x12, 0x1e,
        0x66, 0x6a, 0x22, 0x2e, 0x54, 0x5c, 0x43, 0x4d, 0x65, 0x6b, 0x32, 0x3e, 0x78, 0x01, 0x77, 0x79, 0x53, 0x5d, 0x11, 0x1f,
        0x64, 0x6c, 0x42, 0x4e, 0x76, 0x7a, 0x21, 0x2f, 0x75, 0x7b, 0x31, 0x3f, 0x63, 0x6d, 0x52, 0x5e, 0x00, 0x74, 0x7c, 0x41,
        0x4f, 0x10, 0x20, 0x62, 0x6e, 0x30, 0x73, 0x7d, 0x51, 0x5f, 0x40, 0x72, 0x7e, 0x61, 0x6f, 0x50, 0x71, 0x7f, 0x60, 0x70,
    ];

    /// <summary>
    /// Reads the VP8L chunk payload (from its signature byte 0x2F) up to the end of the entropy image.
    /// </summary>
    /// <param name="payload">The chunk's data, after its 8-byte chunk header.</param>
    /// <param name="problem">Null on success, else what is malformed, in words.</param>
    /// <returns>The layout, or null when the bitstream is malformed.</returns>
    public static WebpLosslessLayout? Read(ReadOnlySpan<byte> payload, out string? problem)
    {
        var bits = new BitReader(payload);
        try
        {
            problem = null;
            return ReadLayout(ref bits);
        }
        catch (MalformedException ex)
        {
            problem = ex.Message;
            return null;
        }
    }

    private static WebpLosslessLayout ReadLayout(ref BitReader bits)
    {
        bits.Section = "the header";
        if (bits.Read(8) != Signature)
        {
            throw new MalformedException("its signature byte is not 0x2F");
        }
        int width = (int)bits.Read(14) + 1, height = (int)bits.Read(14) + 1;
        bits.Read(1); // alpha_is_used: a hint only
        uint version = bits.Read(3);
        if (version != 0)
        {
            throw new MalformedException($"version {version} (only 0 is defined)");
        }

        int xSize = ReadTransforms(ref bits, width, height);

        bits.Section = "the main image's colour-cache bits";
        int colorCacheBits = ReadColorCacheBits(ref bits);
        if (!bits.ReadBit())
        {
            return new WebpLosslessLayout(width, height, 1, colorCacheBits, bits.Position, bits.Length);
        }
        int precision = (int)bits.Read(3) + 2;
        bits.Section = "the entropy image";
        int maxGroup = ReadSubImage(ref bits, SubSampleSize(xSize, precision), SubSampleSize(height, precision));
        return new WebpLosslessLayout(width, height, maxGroup + 1, colorCacheBits, bits.Position, bits.Length);
    }

    /// <summary>Reads the transforms (each type at most once) and returns the width the image is coded at after them.</summary>
    private static int ReadTransforms(ref BitReader bits, int xSize, int ySize)
    {
        int seen = 0;
        while (true)
        {
            bits.Section = "the transforms";
            if (!bits.ReadBit())
            {
                return xSize;
            }
            int type = (int)bits.Read(2);
            if ((seen & (1 << type)) != 0)
            {
                throw new MalformedException($"transform {type} appears twice");
            }
            seen |= 1 << type;
            switch (type)
            {
                case 0: // predictor
                case 1: // cross colour
                    int blockBits = (int)bits.Read(3) + 2;
                    bits.Section = type == 0 ? "the predictor transform's image" : "the cross-colour transform's image";
                    ReadSubImage(ref bits, SubSampleSize(xSize, blockBits), SubSampleSize(ySize, blockBits));
                    break;
                case 2: // subtract green: no data
                    break;
                default: // colour indexing: a palette of count x 1, then pixels packed 2, 4 or 8 to a byte-sized index
                    int count = (int)bits.Read(8) + 1;
                    bits.Section = "the colour-indexing transform's palette";
                    ReadSubImage(ref bits, count, 1);
                    xSize = SubSampleSize(xSize, count > 16 ? 0 : count > 4 ? 1 : count > 2 ? 2 : 3);
                    break;
            }
        }
    }

    private static int ReadColorCacheBits(ref BitReader bits)
    {
        if (!bits.ReadBit())
        {
            return 0;
        }
        int cacheBits = (int)bits.Read(4);
        if (cacheBits is < 1 or > MaxColorCacheBits)
        {
            throw new MalformedException($"colour-cache bits {cacheBits} (valid: 1 to {MaxColorCacheBits})");
        }
        return cacheBits;
    }

    /// <summary>
    /// Reads a sub-image (entropy image, transform image or palette: no transforms, no meta prefix codes) of
    /// width x height pixels and returns its largest group index, <c>(argb &gt;&gt; 8) &amp; 0xffff</c>.
    /// </summary>
    private static int ReadSubImage(ref BitReader bits, int width, int height)
    {
        int cacheBits = ReadColorCacheBits(ref bits);
        PrefixCode green = PrefixCode.Read(ref bits, NumLiteralCodes + NumLengthCodes + (cacheBits > 0 ? 1 << cacheBits : 0));
        PrefixCode red = PrefixCode.Read(ref bits, NumLiteralCodes);
        PrefixCode blue = PrefixCode.Read(ref bits, NumLiteralCodes);
        PrefixCode alpha = PrefixCode.Read(ref bits, NumLiteralCodes);
        PrefixCode distanceCode = PrefixCode.Read(ref bits, NumDistanceCodes);
        if (green.SingleSymbol is >= 0 and < NumLiteralCodes && red.SingleSymbol >= 0 && blue.SingleSymbol >= 0 && alpha.SingleSymbol >= 0)
        {
            return (red.SingleSymbol << 8) | green.SingleSymbol; // every pixel is this literal and takes no bits
        }
        if (green.SingleSymbol >= NumLiteralCodes + NumLengthCodes)
        {
            return 0; // every pixel is a zero-bit colour-cache lookup of a cache that only ever holds zeros
        }

        long total = (long)width * height, position = 0;
        int maxGroup = 0;
        while (position < total)
        {
            int code = green.Decode(ref bits);
            if (code < NumLiteralCodes)
            {
                int r = red.Decode(ref bits);
                blue.Decode(ref bits);
                alpha.Decode(ref bits);
                maxGroup = Math.Max(maxGroup, (r << 8) | code);
                position++;
            }
            else if (code < NumLiteralCodes + NumLengthCodes)
            {
                long length = PrefixValue(ref bits, code - NumLiteralCodes);
                long distance = PlaneCodeToDistance(width, PrefixValue(ref bits, distanceCode.Decode(ref bits)));
                if (distance > position || length > total - position)
                {
                    throw new MalformedException(
                        $"a backward reference in {bits.Section} (distance {distance}, length {length} at pixel {position} of {total}) leaves the image");
                }
                position += length;
            }
            else
            {
                position++; // colour-cache lookup: a pixel already emitted (see remarks)
            }
        }
        return maxGroup;
    }

    /// <summary>RFC 9649 section 4.2.2: a length or distance from its prefix symbol and extra bits.</summary>
    private static int PrefixValue(ref BitReader bits, int symbol)
    {
        if (symbol < 4)
        {
            return symbol + 1;
        }
        int extraBits = (symbol - 2) >> 1;
        int offset = (2 + (symbol & 1)) << extraBits;
        return offset + (int)bits.Read(extraBits) + 1;
    }

    /// <summary>RFC 9649 section 4.2.2: distance codes 1..120 name a nearby (dx, dy); a distance below 1 becomes 1.</summary>
    private static long PlaneCodeToDistance(int width, int planeCode)
    {
        if (planeCode > CodeToPlane.Length)
        {
            return planeCode - CodeToPlane.Length;
        }
        int packed = CodeToPlane[planeCode - 1];
        long distance = (long)(packed >> 4) * width + 8 - (packed & 0xf);
        return Math.Max(distance, 1);
    }

    private static int SubSampleSize(int size, int sampleBits) => (size + (1 << sampleBits) - 1) >> sampleBits;

    /// <summary>A malformed bitstream; caught in <see cref="Read"/> and returned as words.</summary>
    private sealed class MalformedException(string message) : Exception(message);

    /// <summary>LSB-first bit reader over the payload; reading past its end is a <see cref="MalformedException"/>.</summary>
    private ref struct BitReader
    {
        private readonly ReadOnlySpan<byte> data;

        public BitReader(ReadOnlySpan<byte> data)
        {
            this.data = data;
            Length = data.Length * 8L;
        }

        public long Position { get; private set; }

        public long Length { get; }

        /// <summary>What is being read, for the message when the data ends.</summary>
        public string Section { get; set; } = "the header";

        public bool ReadBit() => Read(1) != 0;

        /// <summary>Reads <paramref name="count"/> (at most 32) bits, the first one read as the lowest.</summary>
        public uint Read(int count)
        {
            if (count > Length - Position)
            {
                throw new MalformedException($"the data ends inside {Section} ({Length} bits)");
            }
            uint value = 0;
            for (int i = 0; i < count; i++, Position++)
            {
                value |= (uint)((data[(int)(Position >> 3)] >> (int)(Position & 7)) & 1) << i;
            }
            return value;
        }
    }

    /// <summary>A canonical prefix code (RFC 9649 section 3.7.2.1) decoded one bit at a time, as DEFLATE's are.</summary>
    private sealed class PrefixCode
    {
        private readonly int[] countPerLength;
        private readonly int[] sortedSymbols; // by code length, then symbol: the canonical order
        private readonly int maxLength;

        private PrefixCode(ReadOnlySpan<int> lengths, int maxLength)
        {
            this.maxLength = maxLength;
            countPerLength = new int[maxLength + 1];
            int used = 0;
            for (int s = 0; s < lengths.Length; s++)
            {
                if (lengths[s] > 0)
                {
                    countPerLength[lengths[s]]++;
                    used++;
                    SingleSymbol = s;
                }
            }
            if (used == 0)
            {
                throw new MalformedException("a prefix code has no symbols");
            }
            sortedSymbols = new int[used];
            if (used == 1)
            {
                return; // one symbol: a code of zero bits, whatever its stated length (libwebp)
            }
            SingleSymbol = -1;
            long left = 1; // Kraft sum: the code must be complete, neither over-subscribed nor with unused codes
            for (int length = 1; length <= maxLength; length++)
            {
                left = (left << 1) - countPerLength[length];
                if (left < 0)
                {
                    throw new MalformedException("a prefix code is over-subscribed");
                }
            }
            if (left != 0)
            {
                throw new MalformedException("a prefix code is incomplete");
            }
            Span<int> next = stackalloc int[maxLength + 2];
            for (int length = 1; length <= maxLength; length++)
            {
                next[length + 1] = next[length] + countPerLength[length];
            }
            for (int s = 0; s < lengths.Length; s++)
            {
                if (lengths[s] > 0)
                {
                    sortedSymbols[next[lengths[s]]++] = s;
                }
            }
        }

        /// <summary>The symbol of a one-symbol code (which takes no bits), else -1.</summary>
        public int SingleSymbol { get; }

        /// <summary>Reads a simple or normal prefix code for an alphabet of <paramref name="alphabetSize"/> symbols.</summary>
        public static PrefixCode Read(ref BitReader bits, int alphabetSize)
        {
            var lengths = new int[alphabetSize];
            if (bits.ReadBit())
            {
                // Simple code: one or two symbols; the first of 1 or 8 bits, the second of 8. A symbol outside the
                // alphabet is ignored, as libwebp ignores it (its code-length array is sized for the largest alphabet).
                int symbols = (int)bits.Read(1) + 1;
                int first = (int)bits.Read(bits.ReadBit() ? 8 : 1);
                if (first < alphabetSize)
                {
                    lengths[first] = 1;
                }
                int second = symbols == 2 ? (int)bits.Read(8) : alphabetSize;
                if (second < alphabetSize)
                {
                    lengths[second] = 1;
                }
                return new PrefixCode(lengths, MaxCodeLength);
            }

            Span<int> codeLengthLengths = stackalloc int[CodeLengthCodeOrder.Length];
            int stored = (int)bits.Read(4) + 4;
            for (int i = 0; i < stored; i++)
            {
                codeLengthLengths[CodeLengthCodeOrder[i]] = (int)bits.Read(3);
            }
            var codeLengthCode = new PrefixCode(codeLengthLengths, MaxCodeLengthCodeLength);
            int maxSymbol = alphabetSize;
            if (bits.ReadBit())
            {
                maxSymbol = 2 + (int)bits.Read(2 + 2 * (int)bits.Read(3));
                if (maxSymbol > alphabetSize)
                {
                    throw new MalformedException($"a prefix code's max_symbol {maxSymbol} exceeds its alphabet of {alphabetSize}");
                }
            }
            int symbol = 0, previous = 8; // a repeat (code 16) before any non-zero length repeats 8
            for (; symbol < alphabetSize && maxSymbol > 0; maxSymbol--)
            {
                int length = codeLengthCode.Decode(ref bits);
                if (length < 16)
                {
                    lengths[symbol++] = length;
                    previous = length != 0 ? length : previous;
                    continue;
                }
                int repeat = length switch { 16 => 3 + (int)bits.Read(2), 17 => 3 + (int)bits.Read(3), _ => 11 + (int)bits.Read(7) };
                if (symbol + repeat > alphabetSize)
                {
                    throw new MalformedException($"a prefix code's lengths repeat past its alphabet of {alphabetSize}");
                }
                lengths.AsSpan(symbol, repeat).Fill(length == 16 ? previous : 0);
                symbol += repeat;
            }
            return new PrefixCode(lengths, MaxCodeLength);
        }

        /// <summary>Reads one symbol: the code's bits come first-bit-highest, as in DEFLATE (zlib's puff.c decode).</summary>
        public int Decode(ref BitReader bits)
        {
            if (SingleSymbol >= 0)
            {
                return SingleSymbol;
            }
            int code = 0, first = 0, index = 0;
            for (int length = 1; length <= maxLength; length++)
            {
                code |= (int)bits.Read(1);
                int count = countPerLength[length];
                if (code - first < count)
                {
                    return sortedSymbols[index + code - first];
                }
                index += count;
                first = (first + count) << 1;
                code <<= 1;
            }
            throw new MalformedException("a prefix code has no symbol for its bits"); // unreachable for a complete code
        }
    }
}
