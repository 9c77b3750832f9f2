using MultiModal.Index.Flat;

namespace MultiModal.Index.Tests.Flat;

public sealed class FlatIndexSearchTests
{
    public static TheoryData<Metric, FlatStorage, FlatBackend, FlatCpuGemm, int> Configurations()
    {
        // OpenBLAS cases need libopenblas0-pthread, which .ci/run installs.
        var data = new TheoryData<Metric, FlatStorage, FlatBackend, FlatCpuGemm, int>();
        foreach (var metric in new[] { Metric.InnerProduct, Metric.Cosine, Metric.L2 })
        {
            data.Add(metric, FlatStorage.Float32, FlatBackend.Cpu, FlatCpuGemm.LibTorch, 1);
            data.Add(metric, FlatStorage.Float32, FlatBackend.Cpu, FlatCpuGemm.LibTorch, 2);
            data.Add(metric, FlatStorage.Float32, FlatBackend.Cpu, FlatCpuGemm.OpenBlas, 1);
            data.Add(metric, FlatStorage.Float32, FlatBackend.Cpu, FlatCpuGemm.OpenBlas, 2);
            data.Add(metric, FlatStorage.Float16, FlatBackend.Cpu, FlatCpuGemm.LibTorch, 2);
            data.Add(metric, FlatStorage.Float16, FlatBackend.Cpu, FlatCpuGemm.OpenBlas, 1);
            data.Add(metric, FlatStorage.Float32, FlatBackend.TorchSharp, FlatCpuGemm.Auto, 1);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Search_RandomData_MatchesBruteForce(Metric metric, FlatStorage storage, FlatBackend backend, FlatCpuGemm gemm, int threads)
    {
        // 2500 rows spans three 1024-row tiles; 7 queries with 2 threads takes the split-rows-and-merge path.
        const int dims = 24, rows = 2500, k = 10;
        var vectors = BruteForce.Random(rows, dims, seed: 1);
        var keys = Enumerable.Range(0, rows).Select(i => 1000L + 3 * i).ToArray();
        var queries = BruteForce.Random(7, dims, seed: 2);
        using var index = FlatIndex.Create(dims, metric, new FlatIndexOptions { Storage = storage, Backend = backend, Gemm = gemm, Threads = threads });
        index.Add(vectors, keys);

        var result = index.Search(queries, k);

        // float16 storage: compare against the rounded vectors the index really holds.
        var reference = storage == FlatStorage.Float16 ? vectors.Select(v => (float)(Half)v).ToArray() : vectors;
        if (storage == FlatStorage.Float16 && metric == Metric.Cosine)
        {
            reference = RoundNormalised(vectors, dims);
        }
        // Tolerance: float32 sgemm over 24 terms vs double; L2 via ‖q‖² − 2q·x + ‖x‖² loses a little more.
        BruteForce.AssertMatches(result, BruteForce.Search(metric, reference, keys, queries, dims, k), 2e-4);
    }

    [Fact]
    public void Search_KLargerThanCount_PadsWithMinusOne()
    {
        using var index = FlatIndex.Create(2, Metric.L2);
        index.Add([1, 0, 0, 1], [5, 6]);

        var result = index.Search([1, 0], k: 4);

        Assert.Equal([5L, 6, -1, -1], result.Keys);
        Assert.Equal([0f, 2f, float.PositiveInfinity, float.PositiveInfinity], result.Scores);
    }

    [Fact]
    public void Search_EmptyIndex_ReturnsPaddedRows()
    {
        using var index = FlatIndex.Create(3, Metric.InnerProduct);

        var result = index.Search([1, 2, 3, 4, 5, 6], k: 2);

        Assert.Equal(2, result.Queries);
        Assert.All(result.Keys, key => Assert.Equal(-1, key));
        Assert.All(result.Scores, score => Assert.Equal(float.NegativeInfinity, score));
    }

    [Fact]
    public void Search_TiedScores_LowerRowsKeptAndListedAsFaissDoes()
    {
        using var index = FlatIndex.Create(2, Metric.InnerProduct, new FlatIndexOptions { Threads = 2 });
        // Rows 0..2999 all score 1 against [1, 0]; the lowest rows must make the cut, whichever worker saw them, and
        // are listed highest row first, as FAISS's IndexFlatIP lists exact ties (keys are 10000 - row).
        var vectors = Enumerable.Repeat(new float[] { 1, 0 }, 3000).SelectMany(v => v).ToArray();
        index.Add(vectors, Enumerable.Range(0, 3000).Select(i => 10_000L - i).ToArray());

        var result = index.Search([1, 0], k: 3);
        // 9 identical queries: the first 8 take the vectorised threshold test, the ninth the scalar tail.
        var many = index.Search(Enumerable.Repeat(new float[] { 1, 0 }, 9).SelectMany(v => v).ToArray(), k: 3);

        Assert.Equal([9_998L, 9_999, 10_000], result.Keys);
        Assert.Equal(Enumerable.Repeat(new[] { 9_998L, 9_999, 10_000 }, 9).SelectMany(v => v), many.Keys);
    }

    [Fact]
    public void Search_ManyQueriesTwoThreads_MatchesOneThread()
    {
        const int dims = 16;
        var vectors = BruteForce.Random(1500, dims, seed: 3);
        var keys = Enumerable.Range(0, 1500).Select(i => (long)i).ToArray();
        var queries = BruteForce.Random(300, dims, seed: 4);
        using var one = FlatIndex.Create(dims, Metric.InnerProduct, new FlatIndexOptions { Threads = 1 });
        using var two = FlatIndex.Create(dims, Metric.InnerProduct, new FlatIndexOptions { Threads = 2 });
        one.Add(vectors, keys);
        two.Add(vectors, keys);

        Assert.Equal(one.Search(queries, 5).Keys, two.Search(queries, 5).Keys);
    }

    [Fact]
    public void Search_CancelledToken_Throws()
    {
        using var index = FlatIndex.Create(4, Metric.InnerProduct);
        index.Add(BruteForce.Random(10, 4, seed: 5), Enumerable.Range(0, 10).Select(i => (long)i).ToArray());

        Assert.ThrowsAny<OperationCanceledException>(() => index.Search(new float[4], 1, new CancellationToken(canceled: true)));
    }

    private static float[] RoundNormalised(float[] vectors, int dims)
    {
        var result = new float[vectors.Length];
        for (int r = 0; r < vectors.Length / dims; r++)
        {
            var v = vectors.AsSpan(r * dims, dims);
            double norm = Math.Sqrt(v.ToArray().Sum(x => (double)x * x));
            for (int j = 0; j < dims; j++)
            {
                result[r * dims + j] = (float)(Half)(float)(v[j] / norm);
            }
        }
        return result;
    }
}
