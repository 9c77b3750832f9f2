using System.Numerics;
using System.Runtime.InteropServices;

namespace MultiModal.Bench.Soak.Truth;

/// <summary>
/// A vector as the writer gave it to the index, with its float64 norm. Reference scores are accumulated in float64
/// from these float32 values, so they carry no float32 rounding of their own.
/// </summary>
internal sealed class TruthVector
{
    public TruthVector(float[] values)
    {
        Values = values;
        Norm = Math.Sqrt(Dot(values, values));
    }

    public float[] Values { get; }

    public double Norm { get; }

    /// <summary>Float64 dot product of float32 vectors (lanes widened; rounding of order 1e-16 relative).</summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var n = Math.Min(a.Length, b.Length);
        Vector<double> s0 = Vector<double>.Zero, s1 = Vector<double>.Zero;
        var i = 0;
        for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector.Widen(Vector.LoadUnsafe(ref pa, (nuint)i), out var a0, out var a1);
            Vector.Widen(Vector.LoadUnsafe(ref pb, (nuint)i), out var b0, out var b1);
            s0 += a0 * b0;
            s1 += a1 * b1;
        }
        var total = Vector.Sum(s0 + s1);
        for (; i < n; i++)
        {
            total += (double)a[i] * b[i];
        }
        return total;
    }

    /// <summary>Float64 squared Euclidean distance of float32 vectors.</summary>
    public static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var n = Math.Min(a.Length, b.Length);
        Vector<double> s0 = Vector<double>.Zero, s1 = Vector<double>.Zero;
        var i = 0;
        for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector.Widen(Vector.LoadUnsafe(ref pa, (nuint)i), out var a0, out var a1);
            Vector.Widen(Vector.LoadUnsafe(ref pb, (nuint)i), out var b0, out var b1);
            var d0 = a0 - b0;
            var d1 = a1 - b1;
            s0 += d0 * d0;
            s1 += d1 * d1;
        }
        var total = Vector.Sum(s0 + s1);
        for (; i < n; i++)
        {
            var d = (double)a[i] - b[i];
            total += d * d;
        }
        return total;
    }
}
