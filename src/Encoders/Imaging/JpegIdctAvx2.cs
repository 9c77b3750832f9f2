using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MultiModal.Encoders.Imaging;

/// <summary>
/// jidctint.c <c>jpeg_idct_islow</c> eight lanes at a time in 32-bit integers, as libjpeg-turbo's own SIMD islow does
/// (jidctint-avx2.asm: dequantise, pass 1 down the columns, transpose, pass 2 along the rows, transpose, range-limit),
/// with the whole block held in registers. Bit-identical to <see cref="JpegIdct"/>'s scalar code.
/// </summary>
/// <remarks>
/// The scalar code's zero-AC shortcuts are arithmetic identities (DESCALE(dc &lt;&lt; 13, 11) = dc &lt;&lt; 2,
/// DESCALE(w0 &lt;&lt; 13, 18) = DESCALE(w0, 5)), so computing every lane changes nothing; the one shortcut kept here is
/// the DC-only block, which jidctint.c's two shortcuts together turn into one value for all 64 samples.
/// </remarks>
internal static unsafe class JpegIdctAvx2
{
    private const int ConstBits = 13;
    private const int Pass1Bits = 2;

    /// <summary>Whether this path can run here.</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Checked span form of <see cref="Transform(short*, ushort*, byte*, int)"/> (tests compare it with the scalar path).</summary>
    internal static void Transform(ReadOnlySpan<short> coef, ReadOnlySpan<ushort> quant, Span<byte> output, int outputStride)
    {
        if (coef.Length < 64 || quant.Length < 64 || outputStride < 8 || output.Length < 7 * outputStride + 8)
        {
            throw new ArgumentException("IDCT block buffers too small");
        }
        fixed (short* c = coef)
        fixed (ushort* q = quant)
        fixed (byte* o = output)
        {
            Transform(c, q, o, outputStride);
        }
    }

    /// <summary>Transforms one block; the caller checks buffer sizes (64 coefficients, 64 quantisers, 8 rows of 8 bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transform(short* coef, ushort* quant, byte* output, int outputStride)
    {
        var c0 = Avx.LoadVector256(coef);
        var c1 = Avx.LoadVector256(coef + 16);
        var c2 = Avx.LoadVector256(coef + 32);
        var c3 = Avx.LoadVector256(coef + 48);
        // Everything but coefficient 0 zero: both jidctint.c shortcuts apply, every sample is DESCALE(dc << 2, 5).
        var ac = Avx2.Or(Avx2.Or(Avx2.BlendVariable(c0, Vector256<short>.Zero, DcMask()), c1), Avx2.Or(c2, c3));
        if (Avx.TestZ(ac, ac))
        {
            int dc = coef[0] * quant[0];
            var fill = Vector64.Create(JpegIdct.RangeLimitOf(((dc << Pass1Bits) + (1 << (Pass1Bits + 2))) >> (Pass1Bits + 3)));
            for (int r = 0; r < 8; r++)
            {
                fill.Store(output + r * outputStride);
            }
            return;
        }

        // Row r of the block holds coefficient row r for all eight columns: pass 1 runs down columns lane-wise.
        var v0 = Dequantise(coef, quant);
        var v1 = Dequantise(coef + 8, quant + 8);
        var v2 = Dequantise(coef + 16, quant + 16);
        var v3 = Dequantise(coef + 24, quant + 24);
        var v4 = Dequantise(coef + 32, quant + 32);
        var v5 = Dequantise(coef + 40, quant + 40);
        var v6 = Dequantise(coef + 48, quant + 48);
        var v7 = Dequantise(coef + 56, quant + 56);
        Pass(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7, ConstBits - Pass1Bits);
        Transpose(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);
        Pass(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7, ConstBits + Pass1Bits + 3);
        Transpose(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);

        // IDCT_range_limit: index & 1023 is a 10-bit two's-complement value; + 128 then clamp to a byte.
        // Sign-extending the low 10 bits and saturating packs do exactly that (jdmaster.c prepare_range_limit_table).
        var b01 = Pack(v0, v1, v2, v3);
        var b23 = Pack(v4, v5, v6, v7);
        StoreRows(b01, output, outputStride);
        StoreRows(b23, output + 4 * outputStride, outputStride);
    }

    private static Vector256<short> DcMask() => Vector256.Create(-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).AsInt16();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Dequantise(short* coef, ushort* quant) =>
        Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(coef), Avx2.ConvertToVector256Int32(quant).AsInt32());

    /// <summary>Four rows of 32-bit samples → 32 bytes (rows in order, 8 bytes each), range-limited.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Pack(Vector256<int> a, Vector256<int> b, Vector256<int> c, Vector256<int> d)
    {
        var bias = Vector256.Create(128);
        a = Avx2.ShiftRightArithmetic(Avx2.ShiftLeftLogical(a, 22), 22) + bias;
        b = Avx2.ShiftRightArithmetic(Avx2.ShiftLeftLogical(b, 22), 22) + bias;
        c = Avx2.ShiftRightArithmetic(Avx2.ShiftLeftLogical(c, 22), 22) + bias;
        d = Avx2.ShiftRightArithmetic(Avx2.ShiftLeftLogical(d, 22), 22) + bias;
        // Per 128-bit lane: [a0-3 b0-3 c0-3 d0-3 | a4-7 b4-7 c4-7 d4-7] as bytes; dword shuffle restores row order.
        var bytes = Avx2.PackUnsignedSaturate(Avx2.PackSignedSaturate(a, b), Avx2.PackSignedSaturate(c, d));
        return Avx2.PermuteVar8x32(bytes.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsByte();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows(Vector256<byte> rows, byte* output, int stride)
    {
        var q = rows.AsUInt64();
        *(ulong*)output = q.GetElement(0);
        *(ulong*)(output + stride) = q.GetElement(1);
        *(ulong*)(output + 2 * stride) = q.GetElement(2);
        *(ulong*)(output + 3 * stride) = q.GetElement(3);
    }

    /// <summary>One 1-D pass of jidctint.c (even part, then the odd part "per figure 8"), DESCALE by <paramref name="shift"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pass(ref Vector256<int> v0, ref Vector256<int> v1, ref Vector256<int> v2, ref Vector256<int> v3,
        ref Vector256<int> v4, ref Vector256<int> v5, ref Vector256<int> v6, ref Vector256<int> v7, int shift)
    {
        var z2 = v2;
        var z3 = v6;
        var z1 = (z2 + z3) * JpegIdct.Fix0541196100;
        var tmp2 = z1 + z3 * -JpegIdct.Fix1847759065;
        var tmp3 = z1 + z2 * JpegIdct.Fix0765366865;
        var tmp0 = Avx2.ShiftLeftLogical(v0 + v4, ConstBits);
        var tmp1 = Avx2.ShiftLeftLogical(v0 - v4, ConstBits);
        var tmp10 = tmp0 + tmp3;
        var tmp13 = tmp0 - tmp3;
        var tmp11 = tmp1 + tmp2;
        var tmp12 = tmp1 - tmp2;

        tmp0 = v7;
        tmp1 = v5;
        tmp2 = v3;
        tmp3 = v1;
        z1 = tmp0 + tmp3;
        z2 = tmp1 + tmp2;
        z3 = tmp0 + tmp2;
        var z4 = tmp1 + tmp3;
        var z5 = (z3 + z4) * JpegIdct.Fix1175875602;
        tmp0 *= JpegIdct.Fix0298631336;
        tmp1 *= JpegIdct.Fix2053119869;
        tmp2 *= JpegIdct.Fix3072711026;
        tmp3 *= JpegIdct.Fix1501321110;
        z1 *= -JpegIdct.Fix0899976223;
        z2 *= -JpegIdct.Fix2562915447;
        z3 = z3 * -JpegIdct.Fix1961570560 + z5;
        z4 = z4 * -JpegIdct.Fix0390180644 + z5;
        tmp0 += z1 + z3;
        tmp1 += z2 + z4;
        tmp2 += z2 + z3;
        tmp3 += z1 + z4;

        var round = Vector256.Create(1 << (shift - 1));
        tmp10 += round;
        tmp11 += round;
        tmp12 += round;
        tmp13 += round;
        v0 = Vector256.ShiftRightArithmetic(tmp10 + tmp3, shift);
        v7 = Vector256.ShiftRightArithmetic(tmp10 - tmp3, shift);
        v1 = Vector256.ShiftRightArithmetic(tmp11 + tmp2, shift);
        v6 = Vector256.ShiftRightArithmetic(tmp11 - tmp2, shift);
        v2 = Vector256.ShiftRightArithmetic(tmp12 + tmp1, shift);
        v5 = Vector256.ShiftRightArithmetic(tmp12 - tmp1, shift);
        v3 = Vector256.ShiftRightArithmetic(tmp13 + tmp0, shift);
        v4 = Vector256.ShiftRightArithmetic(tmp13 - tmp0, shift);
    }

    /// <summary>8x8 transpose of 32-bit lanes in registers (unpack 32, unpack 64, swap 128-bit halves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref Vector256<int> r0, ref Vector256<int> r1, ref Vector256<int> r2, ref Vector256<int> r3,
        ref Vector256<int> r4, ref Vector256<int> r5, ref Vector256<int> r6, ref Vector256<int> r7)
    {
        var t0 = Avx2.UnpackLow(r0, r1);
        var t1 = Avx2.UnpackHigh(r0, r1);
        var t2 = Avx2.UnpackLow(r2, r3);
        var t3 = Avx2.UnpackHigh(r2, r3);
        var t4 = Avx2.UnpackLow(r4, r5);
        var t5 = Avx2.UnpackHigh(r4, r5);
        var t6 = Avx2.UnpackLow(r6, r7);
        var t7 = Avx2.UnpackHigh(r6, r7);
        var u0 = Avx2.UnpackLow(t0.AsInt64(), t2.AsInt64()).AsInt32();
        var u1 = Avx2.UnpackHigh(t0.AsInt64(), t2.AsInt64()).AsInt32();
        var u2 = Avx2.UnpackLow(t1.AsInt64(), t3.AsInt64()).AsInt32();
        var u3 = Avx2.UnpackHigh(t1.AsInt64(), t3.AsInt64()).AsInt32();
        var u4 = Avx2.UnpackLow(t4.AsInt64(), t6.AsInt64()).AsInt32();
        var u5 = Avx2.UnpackHigh(t4.AsInt64(), t6.AsInt64()).AsInt32();
        var u6 = Avx2.UnpackLow(t5.AsInt64(), t7.AsInt64()).AsInt32();
        var u7 = Avx2.UnpackHigh(t5.AsInt64(), t7.AsInt64()).AsInt32();
        r0 = Avx2.Permute2x128(u0, u4, 0x20);
        r1 = Avx2.Permute2x128(u1, u5, 0x20);
        r2 = Avx2.Permute2x128(u2, u6, 0x20);
        r3 = Avx2.Permute2x128(u3, u7, 0x20);
        r4 = Avx2.Permute2x128(u0, u4, 0x31);
        r5 = Avx2.Permute2x128(u1, u5, 0x31);
        r6 = Avx2.Permute2x128(u2, u6, 0x31);
        r7 = Avx2.Permute2x128(u3, u7, 0x31);
    }
}
