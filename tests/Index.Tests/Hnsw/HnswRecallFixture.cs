using MultiModal.Index.Hnsw;

namespace MultiModal.Index.Tests.Hnsw;

/// <summary>One 5000 × 64 clustered cosine index with default settings and its exact top-10, shared by the recall tests.</summary>
public sealed class HnswRecallFixture : IDisposable
{
    /// <summary>Builds the shared index.</summary>
    public HnswRecallFixture()
    {
        Data = HnswTestData.Clustered(N, D, seed: 1);
        Keys = HnswTestData.Keys(N);
        Queries = HnswTestData.Clustered(200, D, seed: 1).AsSpan().ToArray(); // same centres
        var queryNoise = HnswTestData.Clustered(200, D, seed: 2);
        for (var i = 0; i < Queries.Length; i++)
        {
            Queries[i] += 0.1f * queryNoise[i];
        }

        Truth = HnswTestData.BruteForce(Data, Keys, Queries, D, 10, Metric.Cosine);
        Index = HnswIndex.Create(D, Metric.Cosine, new HnswOptions { Threads = 2 });
        Index.Add(Data, Keys);
    }

    internal const int N = 5000;
    internal const int D = 64;

    internal float[] Data { get; }

    internal long[] Keys { get; }

    internal float[] Queries { get; }

    internal long[][] Truth { get; }

    internal HnswIndex Index { get; }

    /// <inheritdoc/>
    public void Dispose() => Index.Dispose();
}
