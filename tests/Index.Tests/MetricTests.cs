namespace MultiModal.Index.Tests;

public sealed class MetricTests
{
    [Theory]
    [InlineData(Metric.InnerProduct, true, float.NegativeInfinity)]
    [InlineData(Metric.Cosine, true, float.NegativeInfinity)]
    [InlineData(Metric.L2, false, float.PositiveInfinity)]
    public void HigherIsCloser_PerMetric_AndPaddingIsTheWorstScore(Metric metric, bool higher, float padding)
    {
        Assert.Equal(higher, metric.HigherIsCloser());
        Assert.Equal(padding, metric.PaddingScore());
    }

    [Fact]
    public void SearchResult_RowAccessors_SliceRowMajorArrays()
    {
        var result = new SearchResult([1, 2, 3, -1], [0.9f, 0.5f, 0.7f, float.NegativeInfinity], Queries: 2, K: 2);

        Assert.Equal([3L, -1], result.KeysOf(1).ToArray());
        Assert.Equal(0.5f, result.ScoresOf(0)[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => result.KeysOf(2).ToArray());
    }
}
