namespace MultiModal.Encoders.Imaging;

/// <summary>
/// libjpeg's accurate integer inverse DCT (jidctint.c <c>jpeg_idct_islow</c>, the JDCT_ISLOW default PIL decodes with),
/// including its zero-AC shortcuts and the post-IDCT range-limit table (&amp; 1023 wrap), so output bytes match libjpeg-turbo.
/// </summary>
internal static unsafe class JpegIdct
{
    private const int ConstBits = 13;
    private const int Pass1Bits = 2;
    internal const int Fix0298631336 = 2446, Fix0390180644 = 3196, Fix0541196100 = 4433, Fix0765366865 = 6270;
    internal const int Fix0899976223 = 7373, Fix1175875602 = 9633, Fix1501321110 = 12299, Fix1847759065 = 15137;
    internal const int Fix1961570560 = 16069, Fix2053119869 = 16819, Fix2562915447 = 20995, Fix3072711026 = 25172;

    /// <summary>jdmaster.c prepare_range_limit_table seen from IDCT_range_limit: x + 128 clamped, index x &amp; 1023.</summary>
    private static readonly byte[] RangeLimit = BuildRangeLimit();

    /// <summary>Transforms one block of natural-order coefficients with its natural-order quantisation table.</summary>
    public static void Transform(ReadOnlySpan<short> coefSpan, ReadOnlySpan<ushort> quantSpan, Span<byte> outputSpan, int outputStride) =>
        TransformBlock(coefSpan, quantSpan, outputSpan, outputStride, JpegIdctAvx2.IsSupported);

    /// <summary>
    /// Transforms a whole component: <paramref name="blocksPerColumn"/> rows of <paramref name="blocksPerLine"/> blocks
    /// into a plane of stride blocksPerLine * 8.
    /// </summary>
    public static void TransformPlane(ReadOnlySpan<short> coefSpan, int blocksPerLine, int blocksPerColumn,
        ReadOnlySpan<ushort> quantSpan, Span<byte> planeSpan)
    {
        int stride = blocksPerLine * 8;
        long blocks = (long)blocksPerLine * blocksPerColumn;
        if (coefSpan.Length < blocks * 64 || quantSpan.Length < 64 || planeSpan.Length < blocks * 64)
        {
            throw new ArgumentException("IDCT plane buffers too small");
        }
        bool vector = JpegIdctAvx2.IsSupported;
        fixed (short* coef = coefSpan)
        fixed (ushort* quant = quantSpan)
        fixed (byte* plane = planeSpan)
        fixed (byte* range = RangeLimit)
        {
            for (int by = 0; by < blocksPerColumn; by++)
            {
                short* c = coef + (long)by * blocksPerLine * 64;
                byte* o = plane + (long)by * 8 * stride;
                for (int bx = 0; bx < blocksPerLine; bx++, c += 64, o += 8)
                {
                    if (vector)
                    {
                        JpegIdctAvx2.Transform(c, quant, o, stride);
                    }
                    else
                    {
                        Transform(c, quant, o, stride, range);
                    }
                }
            }
        }
    }

    /// <summary>The scalar path alone (tests compare the vector path against it).</summary>
    internal static void TransformScalar(ReadOnlySpan<short> coefSpan, ReadOnlySpan<ushort> quantSpan, Span<byte> outputSpan, int outputStride) =>
        TransformBlock(coefSpan, quantSpan, outputSpan, outputStride, vector: false);

    private static void TransformBlock(ReadOnlySpan<short> coefSpan, ReadOnlySpan<ushort> quantSpan, Span<byte> outputSpan, int outputStride, bool vector)
    {
        if (coefSpan.Length < 64 || quantSpan.Length < 64 || outputSpan.Length < 7 * outputStride + 8)
        {
            throw new ArgumentException("IDCT block buffers too small");
        }
        fixed (short* coef = coefSpan)
        fixed (ushort* quant = quantSpan)
        fixed (byte* output = outputSpan)
        fixed (byte* range = RangeLimit)
        {
            if (vector)
            {
                JpegIdctAvx2.Transform(coef, quant, output, outputStride);
            }
            else
            {
                Transform(coef, quant, output, outputStride, range);
            }
        }
    }

    /// <summary>IDCT_range_limit[x &amp; 1023] for one value.</summary>
    internal static byte RangeLimitOf(int x) => RangeLimit[x & 1023];

    private static void Transform(short* coef, ushort* quant, byte* output, int outputStride, byte* range)
    {
        int* ws = stackalloc int[64];
        for (int c = 0; c < 8; c++)
        {
            if (coef[8 + c] == 0 && coef[16 + c] == 0 && coef[24 + c] == 0 && coef[32 + c] == 0 &&
                coef[40 + c] == 0 && coef[48 + c] == 0 && coef[56 + c] == 0)
            {
                int dc = (coef[c] * quant[c]) << Pass1Bits;
                for (int r = 0; r < 8; r++)
                {
                    ws[8 * r + c] = dc;
                }
                continue;
            }
            long z2 = coef[16 + c] * quant[16 + c], z3 = coef[48 + c] * quant[48 + c];
            long z1 = (z2 + z3) * Fix0541196100;
            long tmp2 = z1 + z3 * -Fix1847759065;
            long tmp3 = z1 + z2 * Fix0765366865;
            z2 = coef[c] * quant[c];
            z3 = coef[32 + c] * quant[32 + c];
            long tmp0 = (z2 + z3) << ConstBits;
            long tmp1 = (z2 - z3) << ConstBits;
            long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;

            tmp0 = coef[56 + c] * quant[56 + c];
            tmp1 = coef[40 + c] * quant[40 + c];
            tmp2 = coef[24 + c] * quant[24 + c];
            tmp3 = coef[8 + c] * quant[8 + c];
            Odd(ref tmp0, ref tmp1, ref tmp2, ref tmp3);

            const int shift = ConstBits - Pass1Bits;
            ws[c] = (int)Descale(tmp10 + tmp3, shift);
            ws[56 + c] = (int)Descale(tmp10 - tmp3, shift);
            ws[8 + c] = (int)Descale(tmp11 + tmp2, shift);
            ws[48 + c] = (int)Descale(tmp11 - tmp2, shift);
            ws[16 + c] = (int)Descale(tmp12 + tmp1, shift);
            ws[40 + c] = (int)Descale(tmp12 - tmp1, shift);
            ws[24 + c] = (int)Descale(tmp13 + tmp0, shift);
            ws[32 + c] = (int)Descale(tmp13 - tmp0, shift);
        }
        for (int r = 0; r < 8; r++)
        {
            int* w = ws + 8 * r;
            byte* o = output + r * outputStride;
            if (w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0 && w[7] == 0)
            {
                new Span<byte>(o, 8).Fill(range[(int)Descale(w[0], Pass1Bits + 3) & 1023]);
                continue;
            }
            long z2 = w[2], z3 = w[6];
            long z1 = (z2 + z3) * Fix0541196100;
            long tmp2 = z1 + z3 * -Fix1847759065;
            long tmp3 = z1 + z2 * Fix0765366865;
            long tmp0 = ((long)w[0] + w[4]) << ConstBits;
            long tmp1 = ((long)w[0] - w[4]) << ConstBits;
            long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
            tmp0 = w[7];
            tmp1 = w[5];
            tmp2 = w[3];
            tmp3 = w[1];
            Odd(ref tmp0, ref tmp1, ref tmp2, ref tmp3);

            const int shift = ConstBits + Pass1Bits + 3;
            o[0] = range[(int)Descale(tmp10 + tmp3, shift) & 1023];
            o[7] = range[(int)Descale(tmp10 - tmp3, shift) & 1023];
            o[1] = range[(int)Descale(tmp11 + tmp2, shift) & 1023];
            o[6] = range[(int)Descale(tmp11 - tmp2, shift) & 1023];
            o[2] = range[(int)Descale(tmp12 + tmp1, shift) & 1023];
            o[5] = range[(int)Descale(tmp12 - tmp1, shift) & 1023];
            o[3] = range[(int)Descale(tmp13 + tmp0, shift) & 1023];
            o[4] = range[(int)Descale(tmp13 - tmp0, shift) & 1023];
        }
    }

    /// <summary>Odd part (jidctint.c, "per figure 8"); inputs are y7, y5, y3, y1.</summary>
    private static void Odd(ref long tmp0, ref long tmp1, ref long tmp2, ref long tmp3)
    {
        long z1 = tmp0 + tmp3, z2 = tmp1 + tmp2, z3 = tmp0 + tmp2, z4 = tmp1 + tmp3;
        long z5 = (z3 + z4) * Fix1175875602;
        tmp0 *= Fix0298631336;
        tmp1 *= Fix2053119869;
        tmp2 *= Fix3072711026;
        tmp3 *= Fix1501321110;
        z1 *= -Fix0899976223;
        z2 *= -Fix2562915447;
        z3 *= -Fix1961570560;
        z4 *= -Fix0390180644;
        z3 += z5;
        z4 += z5;
        tmp0 += z1 + z3;
        tmp1 += z2 + z4;
        tmp2 += z2 + z3;
        tmp3 += z1 + z4;
    }

    private static long Descale(long x, int n) => (x + (1L << (n - 1))) >> n;

    private static byte[] BuildRangeLimit()
    {
        var table = new byte[1024];
        for (int i = 0; i < 1024; i++)
        {
            int x = i < 512 ? i : i - 1024;
            table[i] = (byte)Math.Clamp(x + 128, 0, 255);
        }
        return table;
    }
}
