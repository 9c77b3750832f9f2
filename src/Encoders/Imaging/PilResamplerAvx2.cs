using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MultiModal.Encoders.Imaging;

/// <summary>
/// Pillow's <c>ImagingResampleHorizontal_8bpc</c> / <c>ImagingResampleVertical_8bpc</c> with AVX2, byte-identical to
/// <see cref="PilResampler"/>. Horizontal:
/// eight source rows at a time are transposed into a small column-major block (one source column = 8 rows x channels
/// contiguous bytes), so each tap multiplies whole vectors of 32-bit lanes, one lane per (row, channel).
/// </summary>
/// <remarks>
/// Each lane computes Pillow's own sum, <c>(1 &lt;&lt; 21) + Σ pixel * k[x]</c> in 32-bit integers (exact: Pillow's
/// sums never overflow, and integer addition is associative), then <c>clip8</c> = arithmetic shift by 22 and
/// saturating packs to [0, 255]. A block of 8 rows stays in L1 while every output column of those rows is computed.
/// </remarks>
internal static unsafe class PilResamplerAvx2
{
    private const int Half = 1 << (PilResampleCoefficients.PrecisionBits - 1);

    /// <summary>Whether this path can run here.</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Same contract as <see cref="PilResampler.Horizontal"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Horizontal(ReadOnlySpan<byte> src, int srcStride, int channels, int rowFirst, int rows,
        PilResampleCoefficients co, Span<byte> dst)
    {
        int colFirst = co.InputFirst, cols = co.InputEnd - co.InputFirst;
        int outWidth = co.Count, ksize = co.KernelSize;
        int dstStride = outWidth * channels;
        if (channels is < 1 or > 4 || (long)(rowFirst + rows - 1) * srcStride + (long)co.InputEnd * channels > src.Length
            || (long)rows * dstStride > dst.Length)
        {
            throw new ArgumentException("buffer too small for the horizontal pass");
        }
        int blockStride = 8 * channels; // bytes per transposed source column
        byte[] blockBuffer = ArrayPool<byte>.Shared.Rent(cols * blockStride + 4);
        try
        {
            fixed (byte* s0 = src)
            fixed (byte* d0 = dst)
            fixed (byte* block = blockBuffer)
            fixed (int* weights = co.Weights)
            fixed (int* bounds = co.Bounds)
            {
                byte* srcEnd = s0 + src.Length;
                var pixels = stackalloc byte[32];
                for (int y0 = 0; y0 < rows; y0 += 8)
                {
                    int blockRows = Math.Min(8, rows - y0);
                    TransposeBlock(s0 + (long)(rowFirst + y0) * srcStride + colFirst * channels, srcStride, blockRows, cols, channels, block, srcEnd);
                    byte* d = d0 + (long)y0 * dstStride;
                    for (int xx = 0; xx < outWidth; xx++, d += channels)
                    {
                        byte* column = block + (bounds[2 * xx] - colFirst) * blockStride;
                        int taps = bounds[2 * xx + 1];
                        int* k = weights + xx * ksize;
                        Vector256<byte> result = channels switch
                        {
                            1 => Taps1(column, k, taps),
                            2 => Taps2(column, k, taps),
                            3 => Taps3(column, k, taps),
                            _ => Taps4(column, k, taps),
                        };
                        result.Store(pixels);
                        Scatter(pixels, d, dstStride, blockRows, channels, lastColumn: xx == outWidth - 1);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(blockBuffer);
        }
    }

    /// <summary>
    /// Same contract as <see cref="PilResampler.Vertical"/> (Resample.c <c>ImagingResampleVertical_8bpc</c>): 32 bytes of
    /// an output row at a time, their 32-bit sums kept in registers across the taps; the row's tail goes to the scalar pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Vertical(ReadOnlySpan<byte> src, int rowBytes, int rowOffset, PilResampleCoefficients co, Span<byte> dst)
    {
        int ksize = co.KernelSize;
        if ((long)(co.InputEnd - rowOffset) * rowBytes > src.Length || rowOffset > co.InputFirst || (long)co.Count * rowBytes > dst.Length)
        {
            throw new ArgumentException("buffer too small for the vertical pass");
        }
        int vectorBytes = rowBytes & ~31;
        fixed (byte* s0 = src)
        fixed (byte* d0 = dst)
        fixed (int* weights = co.Weights)
        fixed (int* bounds = co.Bounds)
        {
            for (int yy = 0; yy < co.Count; yy++)
            {
                byte* first = s0 + (long)(bounds[2 * yy] - rowOffset) * rowBytes;
                int taps = bounds[2 * yy + 1];
                int* k = weights + yy * ksize;
                byte* d = d0 + (long)yy * rowBytes;
                for (int j = 0; j < vectorBytes; j += 32)
                {
                    var a0 = Vector256.Create(Half);
                    var a1 = a0;
                    var a2 = a0;
                    var a3 = a0;
                    byte* p = first + j;
                    for (int y = 0; y < taps; y++, p += rowBytes)
                    {
                        var w = Vector256.Create(k[y]);
                        a0 += Load(p) * w;
                        a1 += Load(p + 8) * w;
                        a2 += Load(p + 16) * w;
                        a3 += Load(p + 24) * w;
                    }
                    Pack(a0, a1, a2, a3).Store(d + j);
                }
                for (int j = vectorBytes; j < rowBytes; j++)
                {
                    int acc = Half;
                    byte* p = first + j;
                    for (int y = 0; y < taps; y++, p += rowBytes)
                    {
                        acc += *p * k[y];
                    }
                    int v = acc >> PilResampleCoefficients.PrecisionBits;
                    d[j] = v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
                }
            }
        }
    }

    /// <summary>
    /// block[col * 8c + r * c + ch] = row r, column col, channel ch. Three-channel pixels move as 4-byte words: the
    /// spare byte lands on the next row's slot (or the next column's first), which a later store overwrites.
    /// </summary>
    private static void TransposeBlock(byte* src, int srcStride, int rows, int cols, int channels, byte* block, byte* srcEnd)
    {
        int blockStride = 8 * channels;
        for (int r = 0; r < rows; r++)
        {
            byte* s = src + (long)r * srcStride;
            byte* t = block + r * channels;
            int x = 0;
            switch (channels)
            {
                case 1:
                    for (; x < cols; x++)
                    {
                        t[x * blockStride] = s[x];
                    }
                    break;
                case 2:
                    for (; x < cols; x++)
                    {
                        *(ushort*)(t + x * blockStride) = *(ushort*)(s + 2 * x);
                    }
                    break;
                case 4:
                    for (; x < cols; x++)
                    {
                        *(uint*)(t + x * blockStride) = *(uint*)(s + 4 * x);
                    }
                    break;
            }
        }
        if (channels == 3)
        {
            // Column-major order so each word's spare byte is overwritten by the following store.
            for (int x = 0; x < cols; x++)
            {
                byte* t = block + x * blockStride;
                byte* s = src + 3 * x;
                for (int r = 0; r < rows; r++, t += 3, s += srcStride)
                {
                    if (s + 4 <= srcEnd)
                    {
                        *(uint*)t = *(uint*)s;
                    }
                    else
                    {
                        t[0] = s[0];
                        t[1] = s[1];
                        t[2] = s[2];
                    }
                }
            }
        }
    }

    /// <summary>Writes the <paramref name="rows"/> x <paramref name="channels"/> result bytes to their rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scatter(byte* pixels, byte* d, int dstStride, int rows, int channels, bool lastColumn)
    {
        for (int r = 0; r < rows; r++, d += dstStride)
        {
            byte* p = pixels + r * channels;
            switch (channels)
            {
                case 1:
                    *d = *p;
                    break;
                case 2:
                    *(ushort*)d = *(ushort*)p;
                    break;
                case 3:
                    if (lastColumn)
                    {
                        *(ushort*)d = *(ushort*)p;
                        d[2] = p[2];
                    }
                    else
                    {
                        *(uint*)d = *(uint*)p; // spare byte: the next output column, written next
                    }
                    break;
                default:
                    *(uint*)d = *(uint*)p;
                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Load(byte* p) => Avx2.ConvertToVector256Int32(p);

    private static Vector256<byte> Taps1(byte* p, int* k, int taps)
    {
        var a0 = Vector256.Create(Half);
        for (int x = 0; x < taps; x++, p += 8)
        {
            a0 += Load(p) * k[x];
        }
        return Pack(a0, a0, a0, a0);
    }

    private static Vector256<byte> Taps2(byte* p, int* k, int taps)
    {
        var a0 = Vector256.Create(Half);
        var a1 = a0;
        for (int x = 0; x < taps; x++, p += 16)
        {
            var w = Vector256.Create(k[x]);
            a0 += Load(p) * w;
            a1 += Load(p + 8) * w;
        }
        return Pack(a0, a1, a1, a1);
    }

    private static Vector256<byte> Taps3(byte* p, int* k, int taps)
    {
        var a0 = Vector256.Create(Half);
        var a1 = a0;
        var a2 = a0;
        for (int x = 0; x < taps; x++, p += 24)
        {
            var w = Vector256.Create(k[x]);
            a0 += Load(p) * w;
            a1 += Load(p + 8) * w;
            a2 += Load(p + 16) * w;
        }
        return Pack(a0, a1, a2, a2);
    }

    private static Vector256<byte> Taps4(byte* p, int* k, int taps)
    {
        var a0 = Vector256.Create(Half);
        var a1 = a0;
        var a2 = a0;
        var a3 = a0;
        for (int x = 0; x < taps; x++, p += 32)
        {
            var w = Vector256.Create(k[x]);
            a0 += Load(p) * w;
            a1 += Load(p + 8) * w;
            a2 += Load(p + 16) * w;
            a3 += Load(p + 24) * w;
        }
        return Pack(a0, a1, a2, a3);
    }

    /// <summary>Resample.c clip8 of four accumulator vectors → 32 bytes in lane order (a, b, c, d).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<byte> Pack(Vector256<int> a, Vector256<int> b, Vector256<int> c, Vector256<int> d)
    {
        const byte shift = PilResampleCoefficients.PrecisionBits;
        a = Avx2.ShiftRightArithmetic(a, shift);
        b = Avx2.ShiftRightArithmetic(b, shift);
        c = Avx2.ShiftRightArithmetic(c, shift);
        d = Avx2.ShiftRightArithmetic(d, shift);
        // Saturating packs clamp exactly as clip8 does; they interleave 128-bit lanes, the dword permute undoes it.
        var bytes = Avx2.PackUnsignedSaturate(Avx2.PackSignedSaturate(a, b), Avx2.PackSignedSaturate(c, d));
        return Avx2.PermuteVar8x32(bytes.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsByte();
    }
}
