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
        var planes = new byte[f.Components.Length][];
        var upsampled = new byte[f.Components.Length][];
        try
        {
            for (int i = 0; i < f.Components.Length; i++)
            {
                JpegComponent c = f.Components[i];
                ushort[] quant = quantTables[c.QuantTable] ?? throw new InvalidDataException($"missing quantisation table {c.QuantTable}");
                int stride = c.BlocksPerLine * 8;
                planes[i] = ArrayPool<byte>.Shared.Rent(stride * c.BlocksPerColumn * 8);
                for (int by = 0; by < c.BlocksPerColumn; by++)
                {
                    for (int bx = 0; bx < c.BlocksPerLine; bx++)
                    {
                        JpegIdct.Transform(c.Block(by, bx), quant, planes[i].AsSpan(by * 8 * stride + bx * 8), stride);
                    }
                }
                upsampled[i] = ArrayPool<byte>.Shared.Rent(w * h);
                Upsample(f, c, planes[i], stride, upsampled[i]);
            }

            int channels = f.Components.Length == 1 ? 1 : 3;
            byte[] pixels = ArrayPool<byte>.Shared.Rent(w * h * channels);
            if (channels == 1)
            {
                Buffer.BlockCopy(upsampled[0], 0, pixels, 0, w * h);
            }
            else if (IsRgb(f))
            {
                for (int i = 0, o = 0; i < w * h; i++, o += 3)
                {
                    pixels[o] = upsampled[0][i];
                    pixels[o + 1] = upsampled[1][i];
                    pixels[o + 2] = upsampled[2][i];
                }
            }
            else
            {
                YccToRgb(upsampled[0], upsampled[1], upsampled[2], pixels, w * h);
            }
            return DecodedImage.FromPooled(pixels, w, h, channels, channels == 1 ? PilMode.L : PilMode.Rgb, default);
        }
        finally
        {
            foreach (var p in planes.Concat(upsampled))
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

    private static void YccToRgb(byte[] y, byte[] cb, byte[] cr, byte[] rgb, int count)
    {
        for (int i = 0, o = 0; i < count; i++, o += 3)
        {
            int yy = y[i], b = cb[i], r = cr[i];
            rgb[o] = Clamp(yy + CrR[r]);
            rgb[o + 1] = Clamp(yy + ((CbG[b] + CrG[r]) >> ScaleBits));
            rgb[o + 2] = Clamp(yy + CbB[b]);
        }
    }

    private static byte Clamp(int v) => v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;

    /// <summary>jdsample.c jinit_upsampler's choice of method, applied to the whole component at once.</summary>
    private static void Upsample(JpegFrame f, JpegComponent c, byte[] plane, int stride, byte[] output)
    {
        int w = f.Width, h = f.Height;
        int dw = c.DownsampledWidth, dh = c.DownsampledHeight;
        int hExpand = f.MaxH / c.H, vExpand = f.MaxV / c.V;
        var rowBuf = ArrayPool<byte>.Shared.Rent(2 * dw + 2);
        try
        {
            for (int y = 0; y < h; y++)
            {
                Span<byte> outRow = output.AsSpan(y * w, w);
                int inRow = y / vExpand;
                ReadOnlySpan<byte> row0 = plane.AsSpan(Math.Min(inRow, dh - 1) * stride, dw);
                if (hExpand == 1 && vExpand == 1)
                {
                    row0[..w].CopyTo(outRow);
                }
                else if (hExpand == 2 && vExpand == 1 && dw > 2)
                {
                    H2V1Fancy(row0, rowBuf);
                    rowBuf.AsSpan(0, w).CopyTo(outRow);
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
                    H2V2Fancy(row0, row1, rowBuf);
                    rowBuf.AsSpan(0, w).CopyTo(outRow);
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
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rowBuf);
        }
    }

    /// <summary>jdsample.c h2v1_fancy_upsample: 3/4 nearer + 1/4 further sample, biases 1 and 2 alternating.</summary>
    private static void H2V1Fancy(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int n = input.Length;
        output[0] = input[0];
        output[1] = (byte)((input[0] * 3 + input[1] + 2) >> 2);
        for (int i = 1; i < n - 1; i++)
        {
            int v = input[i] * 3;
            output[2 * i] = (byte)((v + input[i - 1] + 1) >> 2);
            output[2 * i + 1] = (byte)((v + input[i + 1] + 2) >> 2);
        }
        output[2 * n - 2] = (byte)((input[n - 1] * 3 + input[n - 2] + 1) >> 2);
        output[2 * n - 1] = input[n - 1];
    }

    /// <summary>jdsample.c h2v2_fancy_upsample for one output row: column sums of 3 * nearer + further row, then 3:1 across.</summary>
    private static void H2V2Fancy(ReadOnlySpan<byte> near, ReadOnlySpan<byte> far, Span<byte> output)
    {
        int n = near.Length;
        int thisSum = near[0] * 3 + far[0];
        int nextSum = near[1] * 3 + far[1];
        output[0] = (byte)((thisSum * 4 + 8) >> 4);
        output[1] = (byte)((thisSum * 3 + nextSum + 7) >> 4);
        int lastSum = thisSum;
        thisSum = nextSum;
        for (int i = 1; i < n - 1; i++)
        {
            nextSum = near[i + 1] * 3 + far[i + 1];
            output[2 * i] = (byte)((thisSum * 3 + lastSum + 8) >> 4);
            output[2 * i + 1] = (byte)((thisSum * 3 + nextSum + 7) >> 4);
            lastSum = thisSum;
            thisSum = nextSum;
        }
        output[2 * n - 2] = (byte)((thisSum * 3 + lastSum + 8) >> 4);
        output[2 * n - 1] = (byte)((thisSum * 4 + 7) >> 4);
    }
}
