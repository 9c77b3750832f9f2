using System.Runtime.Intrinsics;

namespace MultiModal.Eval;

/// <summary>The one dot product every eval score goes through.</summary>
internal static class VectorMath
{
    /// <summary>
    /// <c>Σ a[i]·b[i]</c> in float, summed in a fixed order: four lanes of <see cref="Vector128{T}"/> (not
    /// <see cref="System.Numerics.Vector{T}"/>, whose width varies with the CPU), then the lanes left to right, then the
    /// tail. The summation order does not depend on the CPU's vector width, and equal inputs always give equal scores,
    /// so ranks and ties are reproducible.
    /// </summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Vectors of {a.Length} and {b.Length} values.", nameof(b));
        }
        var acc = Vector128<float>.Zero;
        int i = 0;
        for (; i <= a.Length - 4; i += 4)
        {
            acc += Vector128.Create(a.Slice(i, 4)) * Vector128.Create(b.Slice(i, 4));
        }
        float sum = acc.GetElement(0) + acc.GetElement(1) + acc.GetElement(2) + acc.GetElement(3);
        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /// <summary>Checks a set of embedding rows: not null, none null, all of one width (returned; -1 when empty).</summary>
    public static int CheckRows(IReadOnlyList<float[]> rows, string paramName, int width = -1)
    {
        ArgumentNullException.ThrowIfNull(rows, paramName);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i] ?? throw new ArgumentException($"{paramName}[{i}] is null.", paramName);
            if (width < 0)
            {
                width = row.Length;
            }
            else if (row.Length != width)
            {
                throw new ArgumentException($"{paramName}[{i}] has {row.Length} values; expected {width}.", paramName);
            }
        }
        return width;
    }
}
