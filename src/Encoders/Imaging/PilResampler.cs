namespace MultiModal.Encoders.Imaging;

/// <summary>
/// The uint8 passes of Pillow 9.4's resize (libImaging/Resample.c <c>ImagingResampleHorizontal_8bpc</c> /
/// <c>ImagingResampleVertical_8bpc</c>, and Geometry.c <c>ImagingScaleAffine</c> for NEAREST), on interleaved
/// bytes with 1 to 4 channels. Integer arithmetic identical to Pillow's, so the output is byte-identical.
/// </summary>
internal static unsafe class PilResampler
{
    private const int Half = 1 << (PilResampleCoefficients.PrecisionBits - 1);

    /// <summary>
    /// Horizontal pass over source rows [<paramref name="rowFirst"/>, + <paramref name="rows"/>): writes
    /// rows × co.Count × channels bytes to <paramref name="dst"/>.
    /// </summary>
    public static void Horizontal(ReadOnlySpan<byte> src, int srcStride, int channels, int rowFirst, int rows,
        PilResampleCoefficients co, Span<byte> dst)
    {
        int outWidth = co.Count;
        int ksize = co.KernelSize;
        int dstStride = outWidth * channels;
        if ((long)(rowFirst + rows - 1) * srcStride + (long)co.InputEnd * channels > src.Length || (long)rows * dstStride > dst.Length)
        {
            throw new ArgumentException("buffer too small for the horizontal pass");
        }
        fixed (byte* s0 = src)
        fixed (byte* d0 = dst)
        fixed (int* kk = co.Weights)
        fixed (int* bounds = co.Bounds)
        {
            for (int yy = 0; yy < rows; yy++)
            {
                byte* s = s0 + (long)(rowFirst + yy) * srcStride;
                byte* d = d0 + (long)yy * dstStride;
                for (int xx = 0; xx < outWidth; xx++)
                {
                    int xmin = bounds[2 * xx];
                    int n = bounds[2 * xx + 1];
                    int* k = kk + xx * ksize;
                    byte* p = s + xmin * channels;
                    switch (channels)
                    {
                        case 3:
                        {
                            int s0a = Half, s1 = Half, s2 = Half;
                            for (int x = 0; x < n; x++, p += 3)
                            {
                                int w = k[x];
                                s0a += p[0] * w;
                                s1 += p[1] * w;
                                s2 += p[2] * w;
                            }
                            d[0] = Clip8(s0a);
                            d[1] = Clip8(s1);
                            d[2] = Clip8(s2);
                            d += 3;
                            break;
                        }
                        case 1:
                        {
                            int acc = Half;
                            for (int x = 0; x < n; x++)
                            {
                                acc += p[x] * k[x];
                            }
                            *d++ = Clip8(acc);
                            break;
                        }
                        default:
                        {
                            for (int c = 0; c < channels; c++)
                            {
                                int acc = Half;
                                for (int x = 0; x < n; x++)
                                {
                                    acc += p[x * channels + c] * k[x];
                                }
                                d[c] = Clip8(acc);
                            }
                            d += channels;
                            break;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Vertical pass: output row i (0 ≤ i &lt; co.Count) mixes rows of <paramref name="src"/>, whose row 0 is input row
    /// <paramref name="rowOffset"/>. Rows are <paramref name="rowBytes"/> long in both buffers.
    /// </summary>
    public static void Vertical(ReadOnlySpan<byte> src, int rowBytes, int rowOffset, PilResampleCoefficients co, Span<byte> dst)
    {
        int ksize = co.KernelSize;
        if ((long)(co.InputEnd - rowOffset) * rowBytes > src.Length || rowOffset > co.InputFirst || (long)co.Count * rowBytes > dst.Length)
        {
            throw new ArgumentException("buffer too small for the vertical pass");
        }
        int[] accBuffer = System.Buffers.ArrayPool<int>.Shared.Rent(rowBytes);
        try
        {
            fixed (byte* s0 = src)
            fixed (byte* d0 = dst)
            fixed (int* kk = co.Weights)
            fixed (int* acc = accBuffer)
            {
                for (int yy = 0; yy < co.Count; yy++)
                {
                    int ymin = co.Bounds[2 * yy] - rowOffset;
                    int n = co.Bounds[2 * yy + 1];
                    int* k = kk + yy * ksize;
                    new Span<int>(acc, rowBytes).Fill(Half);
                    // Row-at-a-time accumulation: same sums as Pillow's per-pixel loop (integer addition is exact).
                    for (int y = 0; y < n; y++)
                    {
                        AddScaledRow(s0 + (long)(ymin + y) * rowBytes, k[y], acc, rowBytes);
                    }
                    byte* d = d0 + (long)yy * rowBytes;
                    for (int j = 0; j < rowBytes; j++)
                    {
                        d[j] = Clip8(acc[j]);
                    }
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(accBuffer);
        }
    }

    /// <summary>
    /// Source indices of NEAREST resampling for outputs [first, first + count), -1 where Pillow leaves the fill value.
    /// </summary>
    /// <remarks>
    /// Pillow's <c>_resize</c> sends NEAREST to <c>ImagingTransformAffine</c> → <c>ImagingScaleAffine</c>, which steps
    /// <c>xo += a[0]</c> from <c>a[0] * 0.5</c>; the accumulated double is replicated here, not recomputed.
    /// </remarks>
    public static int[] NearestIndices(int inSize, int outSize, int first, int count)
    {
        float in1 = inSize;
        double a0 = (double)(in1 - 0f) / outSize;
        double xo = 0.0 + a0 * 0.5;
        var table = new int[count];
        for (int x = 0; x < first + count; x++)
        {
            if (x >= first)
            {
                int xin = xo < 0.0 ? -1 : (int)xo;
                table[x - first] = xin >= 0 && xin < inSize ? xin : -1;
            }
            xo += a0;
        }
        return table;
    }

    /// <summary>Resample.c clip8: the accumulator's integer part clamped to a byte.</summary>
    private static byte Clip8(int value)
    {
        int v = value >> PilResampleCoefficients.PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }

    private static void AddScaledRow(byte* row, int weight, int* acc, int length)
    {
        int j = 0;
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            var w = System.Runtime.Intrinsics.Vector256.Create(weight);
            for (; j <= length - 8; j += 8)
            {
                var px = System.Runtime.Intrinsics.X86.Avx2.ConvertToVector256Int32(row + j);
                var sum = System.Runtime.Intrinsics.X86.Avx2.Add(
                    System.Runtime.Intrinsics.X86.Avx.LoadVector256(acc + j),
                    System.Runtime.Intrinsics.X86.Avx2.MultiplyLow(px, w));
                System.Runtime.Intrinsics.X86.Avx.Store(acc + j, sum);
            }
        }
        for (; j < length; j++)
        {
            acc[j] += row[j] * weight;
        }
    }
}
