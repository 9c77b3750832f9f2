namespace MultiModal.Bench.Soak.Truth;

/// <summary>
/// Seeded clustered vectors, closer to embeddings than uniform noise: a point is one of 64 Gaussian centres plus
/// noise, scaled by a factor in [0.5, 2] so inner-product and L2 scores see varied norms.
/// </summary>
internal sealed class VectorGenerator
{
    private const int Clusters = 64;
    private readonly float[][] _centres;

    public VectorGenerator(int dimensions, int seed)
    {
        Dimensions = dimensions;
        var rng = new Random(seed);
        _centres = Enumerable.Range(0, Clusters).Select(_ => Gaussian(rng, dimensions, 1.0)).ToArray();
    }

    public int Dimensions { get; }

    public float[] Next(Random rng)
    {
        var centre = _centres[rng.Next(Clusters)];
        var v = Gaussian(rng, Dimensions, 0.5);
        var scale = (float)(0.5 + (1.5 * rng.NextDouble()));
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (v[i] + centre[i]) * scale;
        }
        return v;
    }

    /// <summary>A copy of <paramref name="source"/> with small noise: a query whose nearest neighbour is known.</summary>
    public static float[] Near(Random rng, float[] source, double noise)
    {
        var v = Gaussian(rng, source.Length, noise);
        for (var i = 0; i < v.Length; i++)
        {
            v[i] += source[i];
        }
        return v;
    }

    private static float[] Gaussian(Random rng, int n, double sigma)
    {
        var v = new float[n];
        for (var i = 0; i < n; i++)
        {
            // Box-Muller; 1 - NextDouble() is in (0, 1], so the log is finite.
            v[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        }
        return v;
    }
}
