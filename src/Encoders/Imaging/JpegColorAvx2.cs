using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MultiModal.Encoders.Imaging;

/// <summary>
/// jdcolor.c <c>ycc_rgb_convert</c> sixteen pixels at a time, bit-identical to the table-driven scalar code.
/// </summary>
/// <remarks>
/// build_ycc_rgb_table's entries are integer expressions of the sample (Cr_r = (FIX(1.402) x + ONE_HALF) &gt;&gt; 16,
/// Cb_b likewise, G = (-FIX(0.34414) x_b + ONE_HALF - FIX(0.71414) x_r) &gt;&gt; 16, x = sample - 128), so evaluating them
/// in 32-bit lanes gives the table values exactly; the range-limit clamp is the saturating packs. The planar → RGB
/// interleave is the usual SSSE3 three-shuffle pattern (libjpeg-turbo's jdcolext-avx2.asm does the same job with unpacks).
/// </remarks>
internal static unsafe class JpegColorAvx2
{
    private const int ScaleBits = 16;
    private const int OneHalf = 1 << (ScaleBits - 1);
    private const int FixCrR = 91881;   // FIX(1.40200)
    private const int FixCbB = 116130;  // FIX(1.77200)
    private const int FixCrG = 46802;   // FIX(0.71414)
    private const int FixCbG = 22554;   // FIX(0.34414)

    /// <summary>Whether this path can run here.</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Converts the first <paramref name="count"/> pixels; returns how many it did (a multiple of 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int YccToRgb(byte* y, byte* cb, byte* cr, byte* rgb, int count)
    {
        int i = 0;
        var m0R = Vector128.Create((byte)0, 0x80, 0x80, 1, 0x80, 0x80, 2, 0x80, 0x80, 3, 0x80, 0x80, 4, 0x80, 0x80, 5);
        var m0G = Vector128.Create((byte)0x80, 0, 0x80, 0x80, 1, 0x80, 0x80, 2, 0x80, 0x80, 3, 0x80, 0x80, 4, 0x80, 0x80);
        var m0B = Vector128.Create((byte)0x80, 0x80, 0, 0x80, 0x80, 1, 0x80, 0x80, 2, 0x80, 0x80, 3, 0x80, 0x80, 4, 0x80);
        var m1R = Vector128.Create((byte)0x80, 0x80, 6, 0x80, 0x80, 7, 0x80, 0x80, 8, 0x80, 0x80, 9, 0x80, 0x80, 10, 0x80);
        var m1G = Vector128.Create((byte)5, 0x80, 0x80, 6, 0x80, 0x80, 7, 0x80, 0x80, 8, 0x80, 0x80, 9, 0x80, 0x80, 10);
        var m1B = Vector128.Create((byte)0x80, 5, 0x80, 0x80, 6, 0x80, 0x80, 7, 0x80, 0x80, 8, 0x80, 0x80, 9, 0x80, 0x80);
        var m2R = Vector128.Create((byte)0x80, 11, 0x80, 0x80, 12, 0x80, 0x80, 13, 0x80, 0x80, 14, 0x80, 0x80, 15, 0x80, 0x80);
        var m2G = Vector128.Create((byte)0x80, 0x80, 11, 0x80, 0x80, 12, 0x80, 0x80, 13, 0x80, 0x80, 14, 0x80, 0x80, 15, 0x80);
        var m2B = Vector128.Create((byte)10, 0x80, 0x80, 11, 0x80, 0x80, 12, 0x80, 0x80, 13, 0x80, 0x80, 14, 0x80, 0x80, 15);
        for (; i <= count - 16; i += 16)
        {
            var r = Channels(y + i, cb + i, cr + i, out var g, out var b);
            byte* o = rgb + 3 * i;
            Sse2.Store(o, Ssse3.Shuffle(r, m0R) | Ssse3.Shuffle(g, m0G) | Ssse3.Shuffle(b, m0B));
            Sse2.Store(o + 16, Ssse3.Shuffle(r, m1R) | Ssse3.Shuffle(g, m1G) | Ssse3.Shuffle(b, m1B));
            Sse2.Store(o + 32, Ssse3.Shuffle(r, m2R) | Ssse3.Shuffle(g, m2G) | Ssse3.Shuffle(b, m2B));
        }
        return i;
    }

    /// <summary>R, G and B of 16 pixels as three 16-byte vectors in pixel order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Channels(byte* y, byte* cb, byte* cr, out Vector128<byte> g, out Vector128<byte> b)
    {
        var bias = Vector256.Create(128);
        var half = Vector256.Create(OneHalf);
        var y0 = Avx2.ConvertToVector256Int32(y);
        var y1 = Avx2.ConvertToVector256Int32(y + 8);
        var xb0 = Avx2.ConvertToVector256Int32(cb) - bias;
        var xb1 = Avx2.ConvertToVector256Int32(cb + 8) - bias;
        var xr0 = Avx2.ConvertToVector256Int32(cr) - bias;
        var xr1 = Avx2.ConvertToVector256Int32(cr + 8) - bias;
        var r0 = y0 + Avx2.ShiftRightArithmetic(xr0 * FixCrR + half, ScaleBits);
        var r1 = y1 + Avx2.ShiftRightArithmetic(xr1 * FixCrR + half, ScaleBits);
        var g0 = y0 + Avx2.ShiftRightArithmetic(half - xb0 * FixCbG - xr0 * FixCrG, ScaleBits);
        var g1 = y1 + Avx2.ShiftRightArithmetic(half - xb1 * FixCbG - xr1 * FixCrG, ScaleBits);
        var b0 = y0 + Avx2.ShiftRightArithmetic(xb0 * FixCbB + half, ScaleBits);
        var b1 = y1 + Avx2.ShiftRightArithmetic(xb1 * FixCbB + half, ScaleBits);
        g = ToBytes(g0, g1);
        b = ToBytes(b0, b1);
        return ToBytes(r0, r1);
    }

    /// <summary>Sixteen 32-bit values → bytes clamped to [0, 255], in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> ToBytes(Vector256<int> lo, Vector256<int> hi)
    {
        // packs interleaves 128-bit lanes: [lo0-3 hi0-3 lo4-7 hi4-7]; the qword permute restores order.
        var words = Avx2.Permute4x64(Avx2.PackSignedSaturate(lo, hi).AsInt64(), 0xD8).AsInt16();
        return Sse2.PackUnsignedSaturate(words.GetLower(), words.GetUpper());
    }
}
