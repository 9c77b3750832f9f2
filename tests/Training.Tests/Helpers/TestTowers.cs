using MultiModal.Encoders;

namespace MultiModal.Training.Tests.Helpers;

/// <summary>
/// A frozen image tower double: a 17-value statistic of the encoded bytes (16-bin histogram and mean) times a fixed
/// seeded random matrix. Deterministic, fast, and it separates images whose bytes differ.
/// </summary>
internal sealed class ByteStatsImageTower(int dim, int seed = 11) : IImageEncoder
{
    private readonly float[,] _projection = RandomMatrix(17, dim, seed);

    public int EmbedDim => dim;

    public int Calls { get; private set; }

    public float[][] EncodeImages(IReadOnlyList<string> paths, int batchSize = 32, bool normalize = true, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        paths.Select(p => Encode(File.ReadAllBytes(p), normalize)).ToArray();

    public float[][] EncodeImages(IReadOnlyList<Stream> streams, IReadOnlyList<string>? names = null, int batchSize = 32, bool normalize = true, CancellationToken cancellationToken = default)
    {
        Calls++;
        return streams.Select(s =>
        {
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            return Encode(copy.ToArray(), normalize);
        }).ToArray();
    }

    private float[] Encode(byte[] bytes, bool normalize)
    {
        var stats = new float[17];
        foreach (var b in bytes)
        {
            stats[b >> 4] += 1f / bytes.Length;
        }
        stats[16] = bytes.Length == 0 ? 0 : (float)bytes.Average(b => b) / 255f;
        return Project(stats, _projection, normalize);
    }

    internal static float[,] RandomMatrix(int rows, int cols, int seed)
    {
        var random = new Random(seed);
        var m = new float[rows, cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                m[i, j] = (float)((random.NextDouble() * 2) - 1);
            }
        }
        return m;
    }

    internal static float[] Project(float[] x, float[,] m, bool normalize)
    {
        var y = new float[m.GetLength(1)];
        for (var j = 0; j < y.Length; j++)
        {
            for (var i = 0; i < x.Length; i++)
            {
                y[j] += x[i] * m[i, j];
            }
        }
        if (normalize)
        {
            var norm = MathF.Sqrt(y.Sum(v => v * v));
            for (var j = 0; j < y.Length; j++)
            {
                y[j] /= norm;
            }
        }
        return y;
    }
}

/// <summary>A frozen text tower double: hashed character trigram counts (32 buckets) times a fixed seeded random matrix.</summary>
internal sealed class TrigramTextTower(int dim, int seed = 13) : ITextEncoder
{
    private readonly float[,] _projection = ByteStatsImageTower.RandomMatrix(32, dim, seed);

    public int EmbedDim => dim;

    public int Calls { get; private set; }

    public float[][] EncodeTexts(IReadOnlyList<string> texts, int batchSize = 256, bool normalize = true, CancellationToken cancellationToken = default)
    {
        Calls++;
        return texts.Select(t =>
        {
            var counts = new float[32];
            var padded = $"  {t} ";
            for (var i = 0; i + 3 <= padded.Length; i++)
            {
                uint h = 2166136261;
                foreach (var c in padded.AsSpan(i, 3))
                {
                    h = (h ^ c) * 16777619; // FNV-1a
                }
                counts[h % 32] += 1;
            }
            return ByteStatsImageTower.Project(counts, _projection, normalize);
        }).ToArray();
    }
}
