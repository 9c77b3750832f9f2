namespace MultiModal.Index.Tests.Hnsw;

/// <summary>Seeded clustered vectors and an exact top-k reference for checking the HNSW index.</summary>
internal static class HnswTestData
{
    /// <summary>n rows of width d around 32 Gaussian centres (spread 1) with noise 0.5, row-major.</summary>
    public static float[] Clustered(int n, int d, int seed)
    {
        var random = new Random(seed);
        var centres = new float[32 * d];
        for (var i = 0; i < centres.Length; i++)
        {
            centres[i] = Gaussian(random);
        }

        var rows = new float[n * d];
        for (var i = 0; i < n; i++)
        {
            var c = random.Next(32);
            for (var j = 0; j < d; j++)
            {
                rows[(i * d) + j] = centres[(c * d) + j] + (0.5f * Gaussian(random));
            }
        }

        return rows;
    }

    /// <summary>Keys 0..n-1 scaled to exercise the full 64-bit range (negative keys included).</summary>
    public static long[] Keys(int n) => Enumerable.Range(0, n).Select(i => (i * 7_919_000_000_011L) - 3_000_000_000_000_000L).ToArray();

    /// <summary>The exact score of two rows under <paramref name="metric"/>, as the index reports it.</summary>
    public static float Score(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Metric metric)
    {
        double dot = 0, aa = 0, bb = 0, l2 = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
            l2 += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        }

        return metric switch
        {
            Metric.InnerProduct => (float)dot,
            Metric.Cosine => (float)(dot / Math.Sqrt(aa * bb)),
            _ => (float)l2,
        };
    }

    /// <summary>Exact top-k keys per query.</summary>
    public static long[][] BruteForce(float[] data, long[] keys, float[] queries, int d, int k, Metric metric)
    {
        var n = keys.Length;
        var higher = metric.HigherIsCloser();
        return Enumerable.Range(0, queries.Length / d).Select(q =>
        {
            var query = queries.AsSpan(q * d, d);
            var scores = new float[n];
            for (var i = 0; i < n; i++)
            {
                scores[i] = Score(query, data.AsSpan(i * d, d), metric);
            }

            var order = Enumerable.Range(0, n).ToArray();
            Array.Sort(order, (x, y) => higher ? scores[y].CompareTo(scores[x]) : scores[x].CompareTo(scores[y]));
            return order.Take(k).Select(i => keys[i]).ToArray();
        }).ToArray();
    }

    /// <summary>Mean fraction of the exact top-k found in the index's top-k.</summary>
    public static double Recall(SearchResult result, long[][] truth)
    {
        var hits = 0;
        for (var q = 0; q < result.Queries; q++)
        {
            var found = result.KeysOf(q).ToArray();
            hits += truth[q].Count(found.Contains);
        }

        return hits / (double)(result.Queries * truth[0].Length);
    }

    private static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
