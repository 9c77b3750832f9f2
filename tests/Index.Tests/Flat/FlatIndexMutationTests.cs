using MultiModal.Index.Flat;

namespace MultiModal.Index.Tests.Flat;

public sealed class FlatIndexMutationTests
{
    [Fact]
    public void Add_DuplicateStoredKey_ThrowsAndAddsNothing()
    {
        using var index = FlatIndex.Create(2, Metric.InnerProduct);
        index.Add([1, 0], [7]);

        var error = Assert.Throws<ArgumentException>(() => index.Add([0, 1, 1, 1], [8, 7]));

        Assert.Contains("7", error.Message);
        Assert.Equal(1, index.Count);
        Assert.False(index.Contains(8));
    }

    [Fact]
    public void Add_KeyRepeatedInBatch_Throws()
    {
        using var index = FlatIndex.Create(2, Metric.InnerProduct);

        Assert.Throws<ArgumentException>(() => index.Add([1, 0, 0, 1], [3, 3]));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Add_PaddingKey_Throws()
    {
        using var index = FlatIndex.Create(2, Metric.InnerProduct);

        Assert.Contains("-1", Assert.Throws<ArgumentException>(() => index.Add([1, 0], [-1])).Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Add_NonFiniteValue_ThrowsNamingRow(float bad)
    {
        using var index = FlatIndex.Create(2, Metric.L2);

        var error = Assert.Throws<ArgumentException>(() => index.Add([1, 0, 0, bad], [1, 2]));

        Assert.Contains("Vector 1", error.Message);
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Add_ZeroVectorUnderCosine_Throws()
    {
        using var index = FlatIndex.Create(2, Metric.Cosine);

        Assert.Contains("zero", Assert.Throws<ArgumentException>(() => index.Add([0, 0], [1])).Message);
    }

    [Fact]
    public void Add_WrongShapes_Throw()
    {
        using var index = FlatIndex.Create(3, Metric.InnerProduct);

        Assert.Throws<ArgumentException>(() => index.Add([1, 2, 3, 4], [1]));
        Assert.Throws<ArgumentException>(() => index.Add([1, 2, 3], [1, 2]));
        Assert.Throws<ArgumentException>(() => index.Search([1, 2], 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Search_NonPositiveK_ThrowsOutOfRange(int k)
    {
        using var index = FlatIndex.Create(2, Metric.InnerProduct);

        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search([1, 0], k));
    }

    [Fact]
    public void Create_InvalidOptions_ThrowNamingField()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => FlatIndex.Create(4, Metric.L2, new FlatIndexOptions { Threads = -1 }));
        Assert.Equal("Threads", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => FlatIndex.Create(0, Metric.L2));
    }

    [Fact]
    public void Upsert_StoredAndNewKeys_ReplacesAndAdds()
    {
        using var index = FlatIndex.Create(2, Metric.L2);
        index.Add([0, 0, 5, 5], [1, 2]);

        index.Upsert([9, 9, 3, 3], [1, 4]);

        Assert.Equal(3, index.Count);
        var result = index.Search([9, 9], 1);
        Assert.Equal(1, result.Keys[0]);
        Assert.Equal(0f, result.Scores[0]);
    }

    [Fact]
    public void Remove_MiddleKey_SwapsLastRowAndKeepsSearchExact()
    {
        using var index = FlatIndex.Create(2, Metric.L2);
        index.Add([0, 0, 1, 0, 2, 0, 3, 0], [10, 11, 12, 13]);

        int removed = index.Remove([11, 99]);

        Assert.Equal(1, removed);
        Assert.Equal(3, index.Count);
        Assert.False(index.Contains(11));
        var result = index.Search([3, 0, 1, 0], 2);
        Assert.Equal([13L, 12, 12, 10], result.Keys); // 10 (row 0) and 12 (row 2) tie at 1: listed higher row first, as FAISS does
        Assert.Equal([0f, 1f, 1f, 1f], result.Scores);
    }

    [Fact]
    public void Metadata_SetGetAndRemove_FollowsKey()
    {
        using var index = FlatIndex.Create(2, Metric.InnerProduct);
        index.Add([1, 0, 0, 1], [1, 2]);

        index.SetMetadata(2, "cat.jpg");

        Assert.True(index.TryGetMetadata(2, out var value));
        Assert.Equal("cat.jpg", value);
        Assert.Throws<KeyNotFoundException>(() => index.SetMetadata(3, "x"));
        index.Remove([2]);
        Assert.False(index.TryGetMetadata(2, out _));
    }

    [Fact]
    public void Cosine_StoredVectors_AreNormalised()
    {
        using var index = FlatIndex.Create(2, Metric.Cosine);
        index.Add([3, 4, 10, 0], [1, 2]);

        var result = index.Search([6, 8], 2);

        Assert.Equal([1L, 2], result.Keys);
        Assert.Equal(1f, result.Scores[0], 1e-6f);
        Assert.Equal(0.6f, result.Scores[1], 1e-6f);
    }
}
