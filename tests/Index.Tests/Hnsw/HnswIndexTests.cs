using MultiModal.Index.Hnsw;

namespace MultiModal.Index.Tests.Hnsw;

public sealed class HnswIndexTests(HnswRecallFixture fixture) : IClassFixture<HnswRecallFixture>
{
    [Fact]
    public void Search_DefaultSettings_RecallAtTenAtLeast95Percent()
    {
        var result = fixture.Index.Search(fixture.Queries, 10);

        Assert.True(HnswTestData.Recall(result, fixture.Truth) >= 0.95, $"recall {HnswTestData.Recall(result, fixture.Truth)}");
    }

    [Fact]
    public void EfSearch_Raised_RecallNotLower()
    {
        using var index = HnswIndex.Create(HnswRecallFixture.D, Metric.Cosine, new HnswOptions { M = 4, EfConstruction = 16 });
        index.Add(fixture.Data, fixture.Keys);
        var recalls = new List<double>();
        foreach (var ef in new[] { 10, 40, 160 })
        {
            index.EfSearch = ef;
            recalls.Add(HnswTestData.Recall(index.Search(fixture.Queries, 10), fixture.Truth));
        }

        Assert.True(recalls[0] <= recalls[1] + 0.005 && recalls[1] <= recalls[2] + 0.005, string.Join(", ", recalls));
        Assert.True(recalls[2] > recalls[0], string.Join(", ", recalls));
    }

    [Theory]
    [InlineData(Metric.L2)]
    [InlineData(Metric.InnerProduct)]
    [InlineData(Metric.Cosine)]
    public void Search_EachMetric_ScoresMatchExactAndOrderedBestFirst(Metric metric)
    {
        const int d = 16;
        var data = HnswTestData.Clustered(300, d, seed: 3);
        var keys = HnswTestData.Keys(300);
        var queries = HnswTestData.Clustered(5, d, seed: 4);
        using var index = HnswIndex.Create(d, metric);
        index.Add(data, keys);

        var result = index.Search(queries, 5);

        var truth = HnswTestData.BruteForce(data, keys, queries, d, 5, metric);
        for (var q = 0; q < 5; q++)
        {
            Assert.Equal(truth[q], result.KeysOf(q).ToArray());
            for (var j = 0; j < 5; j++)
            {
                var row = Array.IndexOf(keys, result.KeysOf(q)[j]);
                var exact = HnswTestData.Score(queries.AsSpan(q * d, d), data.AsSpan(row * d, d), metric);
                Assert.Equal(exact, result.ScoresOf(q)[j], 1e-3f * Math.Max(1f, Math.Abs(exact)));
            }
        }
    }

    [Fact]
    public void Search_FewerStoredThanK_ReturnsEveryStoredVector()
    {
        using var index = HnswIndex.Create(2, Metric.L2);
        index.Add([1f, 0f, 0f, 1f], [10L, 20L]);

        var result = index.Search([1f, 0f], 4);

        Assert.Equal(2, result.K);
        Assert.Equal([10L, 20L], result.KeysOf(0).ToArray());
        Assert.Equal([0f, 2f], result.ScoresOf(0).ToArray());
    }

    [Fact]
    public void Search_KIntMaxValueOnSmallIndex_ReturnsAllStoredBestFirst()
    {
        using var index = HnswIndex.Create(2, Metric.L2, new HnswOptions { Threads = 2 });
        index.Add([1f, 0f, 0f, 1f, 3f, 0f, -2f, 0f, 2f, 2f], [10L, 11L, 12L, 13L, 14L]);

        var result = index.Search([1f, 0f, 3f, 0f], int.MaxValue);

        Assert.Equal((2, 5), (result.Queries, result.K));
        Assert.Equal([10L, 11L, 12L, 14L, 13L], result.KeysOf(0).ToArray());
        Assert.Equal([0f, 2f, 4f, 5f, 9f], result.ScoresOf(0).ToArray());
        Assert.Equal([12L, 10L, 14L, 11L, 13L], result.KeysOf(1).ToArray());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(int.MaxValue)]
    public void Search_EmptyIndex_ReturnsZeroColumns(int k)
    {
        using var index = HnswIndex.Create(3, Metric.Cosine);

        var result = index.Search([1f, 2f, 3f, 4f, 5f, 6f], k);

        Assert.Equal((2, 0), (result.Queries, result.K));
        Assert.Empty(result.Keys);
        Assert.Empty(result.Scores);
    }

    [Fact]
    public void Search_ResultBeyondMaxSlots_ThrowsNamingKBeforeAllocating()
    {
        // 27,000 queries × all 5,000 vectors = 135M slots, just over SearchResult.MaxSlots (2^27 ≈ 134.2M).
        using var index = HnswIndex.Create(1, Metric.L2, new HnswOptions { M = 4, EfConstruction = 8 });
        index.Add(Enumerable.Range(1, 5000).Select(i => (float)i).ToArray(), Enumerable.Range(0, 5000).Select(i => (long)i).ToArray());
        var queries = new float[27_000];

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(queries, int.MaxValue));

        Assert.Equal("k", error.ParamName);
        Assert.Contains("27000 queries × 5000 results each", error.Message);
    }

    [Fact]
    public void Remove_StoredAndUnknownKeys_CountsStoredAndHidesThem()
    {
        using var index = HnswIndex.Create(2, Metric.L2);
        index.Add([0f, 0f, 1f, 0f, 2f, 0f], [1L, 2L, 3L]);

        var removed = index.Remove([2L, 99L, -1L]);

        Assert.Equal(1, removed);
        Assert.Equal(2, index.Count);
        Assert.False(index.Contains(2));
        Assert.Equal([3L, 1L], index.Search([2f, 0f], 3).KeysOf(0).ToArray());
    }

    [Fact]
    public void Upsert_StoredKey_ReplacesVectorAndAddsNewKeys()
    {
        using var index = HnswIndex.Create(2, Metric.L2);
        index.Add([0f, 0f, 5f, 5f], [1L, 2L]);

        index.Upsert([9f, 9f, 3f, 3f], [1L, 7L]);

        Assert.Equal(3, index.Count);
        var result = index.Search([9f, 9f], 3);
        Assert.Equal([1L, 2L, 7L], result.KeysOf(0).ToArray());
        Assert.Equal(0f, result.ScoresOf(0)[0]);
    }

    [Fact]
    public void Upsert_KeyRepeatedInBatch_ThrowsAndChangesNothing()
    {
        using var index = HnswIndex.Create(2, Metric.L2);
        index.Add([0f, 0f], [1L]);

        Assert.Contains("Key 1 at row 1", Assert.Throws<ArgumentException>(() => index.Upsert([1f, 1f, 2f, 2f], [1L, 1L])).Message);
        Assert.Equal(0f, index.Search([0f, 0f], 1).ScoresOf(0)[0]);
    }

    [Fact]
    public void Add_DuplicateOfStoredKey_ThrowsNamingKeyAndAddsNothing()
    {
        using var index = HnswIndex.Create(2, Metric.L2);
        index.Add([0f, 0f], [5L]);

        var e = Assert.Throws<ArgumentException>(() => index.Add([1f, 1f, 2f, 2f], [6L, 5L]));

        Assert.Contains("Key 5 at row 1", e.Message);
        Assert.Equal(1, index.Count);
        Assert.False(index.Contains(6));
    }

    [Fact]
    public void Add_KeyRepeatedInBatch_Throws()
    {
        using var index = HnswIndex.Create(2, Metric.L2);

        var e = Assert.Throws<ArgumentException>(() => index.Add([1f, 1f, 2f, 2f], [6L, 6L]));

        Assert.Contains("Key 6 at row 1", e.Message);
        Assert.Equal(0, index.Count);
    }

    [Theory]
    [InlineData(float.NaN, Metric.L2, "NaN")]
    [InlineData(float.PositiveInfinity, Metric.InnerProduct, "infinite")]
    [InlineData(0f, Metric.Cosine, "zero vector")]
    public void Add_BadRow_ThrowsNamingRow(float bad, Metric metric, string problem)
    {
        using var index = HnswIndex.Create(2, metric);

        var e = Assert.Throws<ArgumentException>(() => index.Add([1f, 1f, bad, 0f], [1L, 2L]));

        Assert.Contains("Row 1", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Add_ReservedKeyOrMismatchedLengths_Throws()
    {
        using var index = HnswIndex.Create(2, Metric.L2);

        Assert.Contains("-1", Assert.Throws<ArgumentException>(() => index.Add([1f, 1f], [-1L])).Message);
        Assert.Throws<ArgumentException>(() => index.Add([1f, 1f, 1f], [1L]));
        Assert.Throws<ArgumentException>(() => index.Add([1f, 1f], [1L, 2L]));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search([1f, 1f], 0));
        Assert.Throws<ArgumentException>(() => index.Search([float.NaN, 1f], 1));
    }

    [Fact]
    public void Create_BadOptions_ThrowsNamingField()
    {
        Assert.Equal("M", Assert.Throws<ArgumentOutOfRangeException>(() => HnswIndex.Create(4, Metric.L2, new HnswOptions { M = 1 })).ParamName);
        Assert.Equal("EfSearch", Assert.Throws<ArgumentOutOfRangeException>(() => HnswIndex.Create(4, Metric.L2, new HnswOptions { EfSearch = 0 })).ParamName);
        Assert.Equal("Threads", Assert.Throws<ArgumentOutOfRangeException>(() => HnswIndex.Create(4, Metric.L2, new HnswOptions { Threads = 0 })).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => HnswIndex.Create(0, Metric.L2));
    }

    [Fact]
    public void SingleRowAdds_BeyondInitialCapacity_GrowAndStaySearchable()
    {
        using var index = HnswIndex.Create(4, Metric.L2, new HnswOptions { InitialCapacity = 1 });
        var data = HnswTestData.Clustered(500, 4, seed: 5);
        for (var i = 0; i < 500; i++)
        {
            index.Add(data.AsSpan(i * 4, 4), [i]);
        }

        Assert.Equal(500, index.Count);
        Assert.Equal(123L, index.Search(data.AsSpan(123 * 4, 4), 1).KeysOf(0)[0]);
    }

    [Fact]
    public void Search_WhileOneThreadAddsAndRemoves_NoFailuresAndFinalStateExact()
    {
        const int d = 8;
        var data = HnswTestData.Clustered(4000, d, seed: 6);
        using var index = HnswIndex.Create(d, Metric.L2, new HnswOptions { Threads = 4 });
        index.Add(data.AsSpan(0, 1000 * d), Enumerable.Range(0, 1000).Select(i => (long)i).ToArray());
        var stop = false;
        var searches = new int[3];
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var searchers = Enumerable.Range(0, 3).Select(t => new Thread(() =>
        {
            try
            {
                while (!Volatile.Read(ref stop))
                {
                    var result = index.Search(data.AsSpan(t * d * 16, d * 16), 5);
                    if (result.Keys.Any(k => k is < -1 or > 3999))
                    {
                        throw new InvalidOperationException($"unexpected key in {string.Join(",", result.Keys)}");
                    }

                    Interlocked.Increment(ref searches[t]);
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToArray();
        Array.ForEach(searchers, s => s.Start());
        SpinWait.SpinUntil(() => searches.All(c => Volatile.Read(ref c) > 0) || !errors.IsEmpty, TimeSpan.FromSeconds(5));

        var deadline = DateTime.UtcNow.AddSeconds(1);
        var batches = 0;
        for (var batch = 1; batch < 30 && DateTime.UtcNow < deadline; batch++, batches++)
        {
            index.Add(data.AsSpan(batch * 100 * d, 100 * d), Enumerable.Range((batch * 100) + 900, 100).Select(i => (long)i).ToArray());
            index.Remove(Enumerable.Range(batch * 10, 10).Select(i => (long)i).ToArray());
        }

        Volatile.Write(ref stop, true);
        Array.ForEach(searchers, s => s.Join());
        Assert.True(errors.IsEmpty, string.Join("\n", errors));
        Assert.All(searches, c => Assert.True(c > 0));
        Assert.Equal(1000 + (batches * 90), index.Count);
        Assert.False(index.Contains(10));
        Assert.True(index.Contains(5));
    }

    [Fact]
    public void Upsert_SameKeysOverAndOver_CapacityFollowsTheLiveCountAndSearchesStayValid()
    {
        // Before: capacity was reserved for every key ever added, so 300 rounds of upserting 200 keys reserved room
        // for 60,000+ vectors (and the memory) while the index held 200 (found by bench/Soak).
        const int d = 16, n = 200;
        var keys = HnswTestData.Keys(n);
        using var index = HnswIndex.Create(d, Metric.L2, new HnswOptions { Threads = 2 });
        index.Add(HnswTestData.Clustered(n, d, seed: 1), keys);

        for (int round = 0; round < 300; round++)
        {
            index.Upsert(HnswTestData.Clustered(n, d, seed: 100 + round), keys);
        }

        Assert.Equal(n, index.Count);
        Assert.InRange(index.Capacity, n, 4 * n);
        var last = HnswTestData.Clustered(n, d, seed: 399);
        var hits = index.Search(last.AsSpan(0, 5 * d), 1);
        Assert.Equal(keys[..5], hits.Keys); // each query finds its own, latest vector
    }
}
