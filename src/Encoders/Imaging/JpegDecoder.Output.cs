using System.Buffers;
using SixLabors.ImageSharp;

namespace MultiModal.Encoders.Imaging;

/// <summary>IDCT, libjpeg-turbo upsampling (jdsample.c) and colour conversion (jdcolor.c) into L or RGB bytes.</summary>
internal sealed partial class JpegDecoder
{
    private const int ScaleBits = 16;

    // jdcolor.c build_ycc_rgb_table, indexed by the 8-bit Cb/Cr sample.
    private static readonly int[] CrR = new int[256], CbB = new int[256], CrG = new int[256], CbG = new int[256];

    static JpegDecoder()
    {
        const int oneHalf = 1 << (ScaleBits - 1);
        static int Fix(double x) => (int)(x * (1 << ScaleBits) + 0.5);
        for (int i = 0, x = -128; i < 256; i++, x++)
        {
            CrR[i] = (Fix(1.40200) * x + oneHalf) >> ScaleBits;
            CbB[i] = (Fix(1.77200) * x + oneHalf) >> ScaleBits;
            CrG[i] = -Fix(0.71414) * x;
            CbG[i] = -Fix(0.34414) * x + oneHalf;
        }
    }

    private DecodedImage Output(JpegFrame f)
    {
        int w = f.Width, h = f.Height;
        int n = f.Components.Length;
        var planes = new byte[n][];
        var strides = new int[n];
        var rows = new byte[n][];
        try
        {
            var smoothing = SmoothingLatch(f);
            for (int i = 0; i < n; i++)
            {
                JpegComponent c = f.Components[i];
                ushort[] quant = quantTables[c.QuantTable] ?? throw new InvalidDataException($"missing quantisation table {c.QuantTable}");
                int stride = strides[i] = c.BlocksPerLine * 8;
                planes[i] = ArrayPool<byte>.Shared.Rent(stride * c.BlocksPerColumn * 8);
                short[]? smoothed = smoothing is { } latch ? Smooth(f, i, quant, latch) : null;
                try
                {
                    JpegIdct.TransformPlane(smoothed ?? c.Coefficients, c.BlocksPerLine, c.BlocksPerColumn, quant, planes[i]);
                }
                finally
                {
                    if (smoothed is not null)
                    {
                        ArrayPool<short>.Shared.Return(smoothed);
                    }
                }
                rows[i] = ArrayPool<byte>.Shared.Rent(2 * c.DownsampledWidth + 2 + w);
            }

            int channels = n == 1 ? 1 : 3;
            byte[] pixels = ArrayPool<byte>.Shared.Rent(w * h * channels);
            bool rgb = n == 3 && IsRgb(f);
            // Row by row (libjpeg's own order): upsample each component's row, then convert colour.
            for (int y = 0; y < h; y++)
            {
                for (int i = 0; i < n; i++)
                {
                    UpsampleRow(f, f.Components[i], planes[i], strides[i], y, rows[i]);
                }
                Span<byte> dst = pixels.AsSpan(y * w * channels, w * channels);
                if (n == 1)
                {
                    rows[0].AsSpan(0, w).CopyTo(dst);
                }
                else if (rgb)
                {
                    for (int x = 0; x < w; x++)
                    {
                        dst[3 * x] = rows[0][x];
                        dst[3 * x + 1] = rows[1][x];
                        dst[3 * x + 2] = rows[2][x];
                    }
                }
                else
                {
                    YccToRgb(rows[0], rows[1], rows[2], dst, w);
                }
            }
            return DecodedImage.FromPooled(pixels, w, h, channels, channels == 1 ? PilMode.L : PilMode.Rgb, default);
        }
        finally
        {
            foreach (var p in planes.Concat(rows))
            {
                if (p is not null)
                {
                    ArrayPool<byte>.Shared.Return(p);
                }
            }
        }
    }

    /// <summary>jdapimin.c default_decompress_parms for three components: JFIF → YCbCr, Adobe transform 0 → RGB, IDs 'R','G','B' → RGB.</summary>
    private bool IsRgb(JpegFrame f)
    {
        if (sawJfif)
        {
            return false;
        }
        if (sawAdobe)
        {
            return adobeTransform == 0;
        }
        return f.Components[0].Id == 82 && f.Components[1].Id == 71 && f.Components[2].Id == 66;
    }

    /// <summary>jdcolor.c ycc_rgb_convert for one row: AVX2 for whole groups of 16 pixels, tables for the rest.</summary>
    internal static unsafe void YccToRgb(byte[] y, byte[] cb, byte[] cr, Span<byte> rgb, int count, bool allowVector = true)
    {
        if (y.Length < count || cb.Length < count || cr.Length < count || rgb.Length < 3 * count)
        {
            throw new ArgumentException("colour conversion buffers too small");
        }
        fixed (byte* py = y, pb = cb, pr = cr, o = rgb)
        fixed (int* crr = CrR, cbb = CbB, crg = CrG, cbg = CbG)
        {
            int i = allowVector && JpegColorAvx2.IsSupported ? JpegColorAvx2.YccToRgb(py, pb, pr, o, count) : 0;
            for (; i < count; i++)
            {
                int yy = py[i], b = pb[i], r = pr[i];
                o[3 * i] = Clamp(yy + crr[r]);
                o[3 * i + 1] = Clamp(yy + ((cbg[b] + crg[r]) >> ScaleBits));
                o[3 * i + 2] = Clamp(yy + cbb[b]);
            }
        }
    }

    private static byte Clamp(int v) => v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;

    /// <summary>Output row <paramref name="y"/> of one component, by jdsample.c jinit_upsampler's choice of method.</summary>
    /// <remarks>Rows above the first and below downsampled_height are the edge rows repeated (jdmainct.c context rows).</remarks>
    private static void UpsampleRow(JpegFrame f, JpegComponent c, byte[] plane, int stride, int y, byte[] row)
    {
        int w = f.Width;
        int dw = c.DownsampledWidth, dh = c.DownsampledHeight;
        int hExpand = f.MaxH / c.H, vExpand = f.MaxV / c.V;
        Span<byte> outRow = row.AsSpan(0, Math.Max(w, 2 * dw));
        int inRow = y / vExpand;
        ReadOnlySpan<byte> row0 = plane.AsSpan(Math.Min(inRow, dh - 1) * stride, dw);
        if (hExpand == 1 && vExpand == 1)
        {
            row0[..w].CopyTo(outRow);
        }
        else if (hExpand == 2 && vExpand == 1 && dw > 2)
        {
            H2V1Fancy(row0, outRow);
        }
        else if (hExpand == 1 && vExpand == 2)
        {
            // h1v2_fancy_upsample: nearer row * 3 + further row, bias 1 above / 2 below, >> 2.
            bool below = (y & 1) == 1;
            ReadOnlySpan<byte> row1 = plane.AsSpan(Math.Clamp(inRow + (below ? 1 : -1), 0, dh - 1) * stride, dw);
            int bias = below ? 2 : 1;
            for (int x = 0; x < w; x++)
            {
                outRow[x] = (byte)((row0[x] * 3 + row1[x] + bias) >> 2);
            }
        }
        else if (hExpand == 2 && vExpand == 2 && dw > 2)
        {
            bool below = (y & 1) == 1;
            ReadOnlySpan<byte> row1 = plane.AsSpan(Math.Clamp(inRow + (below ? 1 : -1), 0, dh - 1) * stride, dw);
            H2V2Fancy(row0, row1, outRow);
        }
        else
        {
            // h2v1_upsample / h2v2_upsample / int_upsample: replication.
            for (int x = 0; x < w; x++)
            {
                outRow[x] = row0[x / hExpand];
            }
        }
    }

    /// <summary>jdsample.c h2v1_fancy_upsample: 3/4 nearer + 1/4 further sample, biases 1 and 2 alternating.</summary>
    internal static unsafe void H2V1Fancy(ReadOnlySpan<byte> inputSpan, Span<byte> outputSpan, bool allowVector = true)
    {
        int n = inputSpan.Length;
        if (outputSpan.Length < 2 * n || n < 2)
        {
            throw new ArgumentException("upsampling buffers too small");
        }
        fixed (byte* input = inputSpan, output = outputSpan)
        {
            output[0] = input[0];
            output[1] = (byte)((input[0] * 3 + input[1] + 2) >> 2);
            int i = allowVector && JpegUpsampleAvx2.IsSupported ? JpegUpsampleAvx2.H2V1(input, output, n) : 1;
            for (; i < n - 1; i++)
            {
                int v = input[i] * 3;
                output[2 * i] = (byte)((v + input[i - 1] + 1) >> 2);
                output[2 * i + 1] = (byte)((v + input[i + 1] + 2) >> 2);
            }
            output[2 * n - 2] = (byte)((input[n - 1] * 3 + input[n - 2] + 1) >> 2);
            output[2 * n - 1] = input[n - 1];
        }
    }

    /// <summary>jdsample.c h2v2_fancy_upsample for one output row: column sums of 3 * nearer + further row, then 3:1 across.</summary>
    internal static unsafe void H2V2Fancy(ReadOnlySpan<byte> nearSpan, ReadOnlySpan<byte> farSpan, Span<byte> outputSpan, bool allowVector = true)
    {
        int n = nearSpan.Length;
        if (farSpan.Length < n || outputSpan.Length < 2 * n || n < 2)
        {
            throw new ArgumentException("upsampling buffers too small");
        }
        fixed (byte* near = nearSpan, far = farSpan, output = outputSpan)
        {
            int first = near[0] * 3 + far[0];
            output[0] = (byte)((first * 4 + 8) >> 4);
            output[1] = (byte)((first * 3 + near[1] * 3 + far[1] + 7) >> 4);
            int i = allowVector && JpegUpsampleAvx2.IsSupported ? JpegUpsampleAvx2.H2V2(near, far, output, n) : 1;
            for (; i < n - 1; i++)
            {
                int lastSum = near[i - 1] * 3 + far[i - 1];
                int thisSum = near[i] * 3 + far[i];
                int nextSum = near[i + 1] * 3 + far[i + 1];
                output[2 * i] = (byte)((thisSum * 3 + lastSum + 8) >> 4);
                output[2 * i + 1] = (byte)((thisSum * 3 + nextSum + 7) >> 4);
            }
            int end = near[n - 1] * 3 + far[n - 1];
            output[2 * n - 2] = (byte)((end * 3 + near[n - 2] * 3 + far[n - 2] + 8) >> 4);
            output[2 * n - 1] = (byte)((end * 4 + 7) >> 4);
        }
    }
}
