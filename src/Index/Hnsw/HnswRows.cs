namespace MultiModal.Index.Hnsw;

/// <summary>Checks and normalisation of row-major vector batches for <see cref="HnswIndex"/>.</summary>
internal static class HnswRows
{
    /// <summary>Rows in a span of <paramref name="length"/> values; throws when it is not a whole number of rows.</summary>
    public static int Count(int length, int dimensions, string name)
    {
        if (length % dimensions != 0)
        {
            throw new ArgumentException($"Length {length} is not a multiple of the dimensions {dimensions}.", name);
        }

        return length / dimensions;
    }

    /// <summary>Rejects NaN, infinity, and zero rows under cosine, naming the row.</summary>
    public static void Validate(ReadOnlySpan<float> rows, int n, int dimensions, Metric metric, string name)
    {
        for (var i = 0; i < n; i++)
        {
            var row = rows.Slice(i * dimensions, dimensions);
            foreach (var x in row)
            {
                if (!float.IsFinite(x))
                {
                    throw new ArgumentException($"Row {i} holds a NaN or infinite value.", name);
                }
            }

            if (metric == Metric.Cosine && Norm(row) == 0f)
            {
                throw new ArgumentException($"Row {i} is a zero vector, which has no cosine direction.", name);
            }
        }
    }

    /// <summary>Writes <paramref name="row"/> scaled to unit length (the row must be non-zero).</summary>
    public static void Normalise(ReadOnlySpan<float> row, Span<float> destination)
    {
        var inverse = 1f / Norm(row);
        for (var i = 0; i < row.Length; i++)
        {
            destination[i] = row[i] * inverse;
        }
    }

    // Accumulated in double so long rows of large values neither overflow nor lose the small components.
    private static float Norm(ReadOnlySpan<float> row)
    {
        var sum = 0.0;
        foreach (var x in row)
        {
            sum += (double)x * x;
        }

        return (float)Math.Sqrt(sum);
    }
}
