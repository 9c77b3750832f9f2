using System.Numerics;
using System.Runtime.InteropServices;

namespace MultiModal.Encoders.Checkpoints;

/// <summary>Counts NaN and infinite values in raw little-endian floating-point data, without converting it.</summary>
/// <remarks>
/// A value is NaN or infinite exactly when all its exponent bits are set (IEEE 754; bfloat16 is the top half of a
/// binary32); the mantissa then tells NaN (non-zero) from ±∞ (zero). The common case — no such value — is one
/// vectorised pass of AND + compare over the bits (<see cref="Vector{T}"/>); only data that has one is counted
/// element by element. The cost is a memory-bandwidth read of data that was just written, a few percent of a load.
/// </remarks>
internal static class NonFiniteScan
{
    /// <summary>How many NaN and infinite values <paramref name="bytes"/> holds as <paramref name="dtype"/> elements; (0, 0) for non-float types.</summary>
    /// <param name="bytes">Whole elements (a multiple of the element size).</param>
    /// <param name="dtype">The element type.</param>
    public static (long NaN, long Infinite) Count(ReadOnlySpan<byte> bytes, SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F64 => Count(MemoryMarshal.Cast<byte, ulong>(bytes), 0x7FF0_0000_0000_0000UL, 0x000F_FFFF_FFFF_FFFFUL),
        SafeTensorsDType.F32 => Count(MemoryMarshal.Cast<byte, uint>(bytes), 0x7F80_0000U, 0x007F_FFFFU),
        SafeTensorsDType.F16 => Count(MemoryMarshal.Cast<byte, ushort>(bytes), (ushort)0x7C00, (ushort)0x03FF),
        SafeTensorsDType.BF16 => Count(MemoryMarshal.Cast<byte, ushort>(bytes), (ushort)0x7F80, (ushort)0x007F),
        _ => (0, 0),
    };

    private static (long NaN, long Infinite) Count<T>(ReadOnlySpan<T> values, T exponent, T mantissa)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (!AnyNonFinite(values, exponent))
        {
            return (0, 0);
        }
        long nan = 0, infinite = 0;
        foreach (var v in values)
        {
            if ((v & exponent) == exponent)
            {
                if ((v & mantissa) != T.Zero)
                {
                    nan++;
                }
                else
                {
                    infinite++;
                }
            }
        }
        return (nan, infinite);
    }

    private static bool AnyNonFinite<T>(ReadOnlySpan<T> values, T exponent)
        where T : unmanaged, IBinaryInteger<T>
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<T>.Count)
        {
            var mask = new Vector<T>(exponent);
            var found = Vector<T>.Zero;
            var vectors = MemoryMarshal.Cast<T, Vector<T>>(values);
            foreach (var v in vectors)
            {
                found |= Vector.Equals(v & mask, mask); // all-ones lanes where every exponent bit is set
            }
            if (found != Vector<T>.Zero)
            {
                return true;
            }
            i = vectors.Length * Vector<T>.Count;
        }
        for (; i < values.Length; i++)
        {
            if ((values[i] & exponent) == exponent)
            {
                return true;
            }
        }
        return false;
    }
}
