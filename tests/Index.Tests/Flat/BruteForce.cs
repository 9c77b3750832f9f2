using MultiModal.Index;

namespace MultiModal.Index.Tests.Flat;

/// <summary>Reference exact search in double precision, plus seeded data helpers.</summary>
internal static class BruteForce
{
    public static float[] Random(int rows, int dims, int seed)
    {
        var rng = new Random(seed);
        var v = new float[rows * dims];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        return v;
    }

    public static double Score(Metric metric, ReadOnlySpan<float> q, ReadOnlySpan<float> x)
    {
        double dot = 0, qq = 0, xx = 0, l2 = 0;
        for (int i = 0; i < q.Length; i++)
        {
            dot += (double)q[i] * x[i];
            qq += (double)q[i] * q[i];
            xx += (double)x[i] * x[i];
            l2 += ((double)q[i] - x[i]) * ((double)q[i] - x[i]);
        }
        return metric switch
        {
            Metric.InnerProduct => dot,
            Metric.Cosine => dot / Math.Sqrt(qq * xx),
            _ => l2,
        };
    }

    /// <summary>Top-k (keys, scores) of each query over (vectors, keys), best first, ties to the earlier row.</summary>
    public static (long[] Keys, double[] Scores) Search(Metric metric, float[] vectors, long[] keys, float[] queries, int dims, int k)
    {
        int n = keys.Length, nq = queries.Length / dims;
        var outKeys = new long[nq * k];
        var outScores = new double[nq * k];
        for (int i = 0; i < nq; i++)
        {
            var q = queries.AsSpan(i * dims, dims);
            var all = new (double Score, int Row)[n];
            for (int r = 0; r < n; r++)
            {
                all[r] = (Score(metric, q, vectors.AsSpan(r * dims, dims)), r);
            }
            var ordered = metric.HigherIsCloser()
                ? all.OrderByDescending(a => a.Score).ThenBy(a => a.Row)
                : all.OrderBy(a => a.Score).ThenBy(a => a.Row);
            int j = 0;
            foreach (var (score, row) in ordered.Take(k))
            {
                outKeys[i * k + j] = keys[row];
                outScores[i * k + j] = score;
                j++;
            }
            for (; j < k; j++)
            {
                outKeys[i * k + j] = -1;
                outScores[i * k + j] = metric.PaddingScore();
            }
        }
        return (outKeys, outScores);
    }

    public static void AssertMatches(SearchResult result, (long[] Keys, double[] Scores) expected, double tolerance)
    {
        Assert.Equal(expected.Keys, result.Keys);
        for (int i = 0; i < expected.Scores.Length; i++)
        {
            if (double.IsInfinity(expected.Scores[i]))
            {
                Assert.Equal(expected.Scores[i], result.Scores[i]);
            }
            else
            {
                Assert.True(Math.Abs(expected.Scores[i] - result.Scores[i]) <= tolerance * Math.Max(1, Math.Abs(expected.Scores[i])),
                    $"slot {i}: expected {expected.Scores[i]}, got {result.Scores[i]}");
            }
        }
    }
}
