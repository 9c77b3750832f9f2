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
        return table;
    }

    private JpegHuffmanTable(byte[] values) => Values = values;
}
