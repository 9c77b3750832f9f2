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
    public void Search_KLargerThanCount_ReturnsEveryStoredVector()
    {
        using var index = FlatIndex.Create(2, Metric.L2);
        index.Add([1, 0, 0, 1], [5, 6]);

        var result = index.Search([1, 0], k: 4);

        Assert.Equal(2, result.K);
        Assert.Equal([5L, 6], result.Keys);
        Assert.Equal([0f, 2f], result.Scores);
    }

    [Theory]
    [InlineData(FlatBackend.Cpu)]
    [InlineData(FlatBackend.TorchSharp)]
    public void Search_KIntMaxValueOnSmallIndex_ReturnsAllStoredBestFirst(FlatBackend backend)
    {
        using var index = FlatIndex.Create(2, Metric.InnerProduct, new FlatIndexOptions { Backend = backend, Threads = 2 });
        index.Add([1, 0, 0, 1, 3, 0, -1, 0, 2, 2], [10, 11, 12, 13, 14]);

        var result = index.Search([1, 0, 0, 1], k: int.MaxValue);

        Assert.Equal((2, 5), (result.Queries, result.K));
        Assert.Equal([12L, 14, 10, 11, 13], result.KeysOf(0).ToArray());
        Assert.Equal([3f, 2, 1, 0, -1], result.ScoresOf(0).ToArray());
        Assert.Equal([14L, 11], result.KeysOf(1)[..2].ToArray());
    }

    [Fact]
    public void Search_KIntMaxValueRowsSplitAcrossWorkers_ReturnsEveryRowInScoreOrder()
    {
        // One query on two threads splits the 2500 rows between workers, whose full-length heaps are then merged.
        const int dims = 8, rows = 2500;
        var vectors = BruteForce.Random(rows, dims, seed: 6);
        var keys = Enumerable.Range(0, rows).Select(i => 7L * i).ToArray();
        var query = BruteForce.Random(1, dims, seed: 7);
        using var index = FlatIndex.Create(dims, Metric.L2, new FlatIndexOptions { Threads = 2 });
        index.Add(vectors, keys);

        var result = index.Search(query, int.MaxValue);

        // Every row once, each with its exact score, ascending; near-ties may swap between float32 and double, so the
        // order is checked on the returned scores rather than against the reference order.
        Assert.Equal(rows, result.K);
        Assert.Equal(keys, result.Keys.Order());
        var exact = keys.Select((key, row) => (key, BruteForce.Score(Metric.L2, query, vectors.AsSpan(row * dims, dims)))).ToDictionary();
        Assert.All(result.Keys.Zip(result.Scores), hit => Assert.Equal(exact[hit.First], hit.Second, 2e-4));
        Assert.True(result.Scores.Zip(result.Scores.Skip(1)).All(p => p.First <= p.Second));
    }

    [Theory]
    [InlineData(FlatBackend.Cpu, 2)]
    [InlineData(FlatBackend.Cpu, int.MaxValue)]
    [InlineData(FlatBackend.TorchSharp, int.MaxValue)]
    public void Search_EmptyIndex_ReturnsZeroColumns(FlatBackend backend, int k)
    {
        using var index = FlatIndex.Create(3, Metric.InnerProduct, new FlatIndexOptions { Backend = backend });

        var result = index.Search([1, 2, 3, 4, 5, 6], k);

        Assert.Equal((2, 0), (result.Queries, result.K));
        Assert.Empty(result.Keys);
        Assert.Empty(result.Scores);
        Assert.True(result.KeysOf(1).IsEmpty);
    }

    [Fact]
    public void Search_ResultBeyondMaxSlots_ThrowsNamingKBeforeAllocating()
    {
        // 27,000 queries × all 5,000 vectors = 135M slots, just over SearchResult.MaxSlots (2^27 ≈ 134.2M).
        using var index = FlatIndex.Create(1, Metric.InnerProduct);
        index.Add(Enumerable.Range(1, 5000).Select(i => (float)i).ToArray(), Enumerable.Range(0, 5000).Select(i => (long)i).ToArray());
        var queries = new float[27_000];
        queries.AsSpan().Fill(1f);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(queries, int.MaxValue));

        Assert.Equal("k", error.ParamName);
        Assert.Contains("27000 queries × 5000 results each", error.Message);
        Assert.Equal(5000, index.Search(queries.AsSpan(0, 10), int.MaxValue).K);
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
