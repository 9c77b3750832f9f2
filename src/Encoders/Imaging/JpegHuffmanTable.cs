namespace MultiModal.Encoders.Imaging;

/// <summary>One JPEG Huffman table (ITU T.81 Annex C / libjpeg jdhuff.c <c>jpeg_make_d_derived_tbl</c>) with a 9-bit lookahead.</summary>
internal sealed class JpegHuffmanTable
{
    public const int LookaheadBits = 9;

    /// <summary>(code length &lt;&lt; 8) | symbol for each 9-bit prefix; 0 when the code is longer.</summary>
    public readonly ushort[] Lookahead = new ushort[1 << LookaheadBits];

    /// <summary>Largest code of each length 1..16, -1 when none (index 17 is a sentinel).</summary>
    public readonly int[] MaxCode = new int[18];

    /// <summary>Symbol index minus first code, per length.</summary>
    public readonly int[] ValueOffset = new int[17];

    public readonly byte[] Values;

    /// <summary>
    /// AC fast path (stb_image's fast_ac, the idea behind libjpeg-turbo's jdhuff.h HUFF_DECODE_FAST): for each 9-bit
    /// prefix holding a whole nonzero-coefficient code and its magnitude bits, (value &lt;&lt; 16) | (run &lt;&lt; 8) | bits used;
    /// 0 otherwise (EOB, ZRL, or longer than 9 bits).
    /// </summary>
    public readonly int[] FastAc = new int[1 << LookaheadBits];

    /// <summary>Builds the table; returns null when the counts describe an impossible code (corrupt DHT).</summary>
    public static JpegHuffmanTable? Create(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values)
    {
        var table = new JpegHuffmanTable(values.ToArray());
        int code = 0, k = 0;
        for (int len = 1; len <= 16; len++)
        {
            int n = counts[len - 1];
            table.ValueOffset[len] = k - code;
            if (n > 0)
            {
                for (int i = 0; i < n; i++, k++, code++)
                {
                    if (len <= LookaheadBits)
                    {
                        int shift = LookaheadBits - len;
                        for (int j = 0; j < 1 << shift; j++)
                        {
                            table.Lookahead[(code << shift) | j] = (ushort)((len << 8) | values[k]);
                        }
                    }
                }
                table.MaxCode[len] = code - 1;
            }
            else
            {
                table.MaxCode[len] = -1;
            }
            if (code > 1 << len)
            {
                return null; // more codes than the length allows
            }
            code <<= 1;
        }
        table.MaxCode[17] = int.MaxValue;
        for (int i = 0; i < 1 << LookaheadBits; i++)
        {
            int entry = table.Lookahead[i];
            int len = entry >> 8, run = (entry >> 4) & 15, size = entry & 15;
            if (entry != 0 && size != 0 && len + size <= LookaheadBits)
            {
                int magnitude = (i >> (LookaheadBits - len - size)) & ((1 << size) - 1);
                int value = magnitude < 1 << (size - 1) ? magnitude + (-1 << size) + 1 : magnitude; // HUFF_EXTEND
                table.FastAc[i] = (value << 16) | (run << 8) | (len + size);
            }
        }
        return table;
    }

    private JpegHuffmanTable(byte[] values) => Values = values;
}
