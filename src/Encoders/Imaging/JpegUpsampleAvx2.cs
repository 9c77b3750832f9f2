using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MultiModal.Encoders.Imaging;

/// <summary>
/// The interior of jdsample.c's fancy (triangle-filter) upsamplers sixteen input samples at a time, in 16-bit lanes,
/// as libjpeg-turbo's jdsample-avx2.asm does; the first and last samples of a row stay with the scalar code.
/// </summary>
/// <remarks>
/// Every intermediate is at most 4 * 1020 + 8, so 16-bit lanes are exact; each result is at most 255, so an even and
/// an odd output pack into one little-endian 16-bit lane (even byte first), which is the interleaved output order.
/// </remarks>
internal static unsafe class JpegUpsampleAvx2
{
    /// <summary>Whether this path can run here.</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>
    /// h2v2_fancy_upsample, one output row, inputs i in [1, end): column sums 3 * near + far, then
    /// out[2i] = (3 s[i] + s[i-1] + 8) &gt;&gt; 4, out[2i+1] = (3 s[i] + s[i+1] + 7) &gt;&gt; 4.
    /// Returns the first i it did not do; the caller needs near/far readable to index n - 1 (n = row length).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int H2V2(byte* near, byte* far, byte* output, int n)
    {
        var three = Vector256.Create((short)3);
        var eight = Vector256.Create((short)8);
        var seven = Vector256.Create((short)7);
        int i = 1;
        for (; i <= n - 17; i += 16)
        {
            var prev = ColumnSum(near + i - 1, far + i - 1, three);
            var cur = ColumnSum(near + i, far + i, three) * three;
            var next = ColumnSum(near + i + 1, far + i + 1, three);
            var even = Avx2.ShiftRightLogical(cur + prev + eight, 4);
            var odd = Avx2.ShiftRightLogical(cur + next + seven, 4);
            Avx.Store((short*)(output + 2 * i), even | Avx2.ShiftLeftLogical(odd, 8));
        }
        return i;
    }

    /// <summary>
    /// h2v1_fancy_upsample, inputs i in [1, end): out[2i] = (3 x[i] + x[i-1] + 1) &gt;&gt; 2,
    /// out[2i+1] = (3 x[i] + x[i+1] + 2) &gt;&gt; 2. Returns the first i it did not do.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int H2V1(byte* input, byte* output, int n)
    {
        var three = Vector256.Create((short)3);
        var one = Vector256.Create((short)1);
        var two = Vector256.Create((short)2);
        int i = 1;
        for (; i <= n - 17; i += 16)
        {
            var prev = Avx2.ConvertToVector256Int16(input + i - 1);
            var cur = Avx2.ConvertToVector256Int16(input + i) * three;
            var next = Avx2.ConvertToVector256Int16(input + i + 1);
            var even = Avx2.ShiftRightLogical(cur + prev + one, 2);
            var odd = Avx2.ShiftRightLogical(cur + next + two, 2);
            Avx.Store((short*)(output + 2 * i), even | Avx2.ShiftLeftLogical(odd, 8));
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> ColumnSum(byte* near, byte* far, Vector256<short> three) =>
        Avx2.ConvertToVector256Int16(near) * three + Avx2.ConvertToVector256Int16(far);
}
