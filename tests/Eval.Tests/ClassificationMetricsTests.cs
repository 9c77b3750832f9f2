namespace MultiModal.Eval.Tests;

/// <summary><see cref="ClassificationMetrics"/> on hand-computed score matrices.</summary>
public sealed class ClassificationMetricsTests
{
    [Fact]
    public void Compute_SixClasses_HandComputedAccuraciesAndRecall()
    {
        // Arrange: rows 0-2 share one score row, so the true class's rank is its position: 5, 4 and 0.
        float[] descending = [0.6f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f];
        float[][] scores = [descending, descending, descending, [0.1f, 0.9f, 0f, 0f, 0f, 0f]];
        int[] labels = [5, 4, 0, 0];

        // Act
        var result = ClassificationMetrics.Compute(scores, labels);

        // Assert: top-1 hits: row 2; top-5 hits: rows 1, 2, 3 (rank 1); recall: class 0 1/2, class 4 0/1, class 5 0/1.
        Assert.Equal(1.0 / 4, result.Acc1);
        Assert.Equal(3.0 / 4, result.Acc5);
        Assert.Equal((0.5 + 0 + 0) / 3, result.MeanPerClassRecall, 12);
        Assert.Equal(4, result.Samples);
        Assert.Equal(6, result.Classes);
        Assert.Equal(5, result.TopK);
    }

    [Fact]
    public void Compute_ThreeClasses_TopFiveCappedAtClassCount()
    {
        // Arrange: ranks 0, 2, 1, 0, 0.
        float[][] scores = [[0.9f, 0.1f, 0f], [0.5f, 0.2f, 0.3f], [0.1f, 0.8f, 0.7f], [0.2f, 0.6f, 0.1f], [0f, 0.1f, 0.9f]];
        int[] labels = [0, 1, 2, 1, 2];

        // Act
        var result = ClassificationMetrics.Compute(scores, labels);

        // Assert: class recalls 1/1, 1/2, 1/2.
        Assert.Equal(3.0 / 5, result.Acc1);
        Assert.Equal(1.0, result.Acc5);
        Assert.Equal(3, result.TopK);
        Assert.Equal((1 + 0.5 + 0.5) / 3, result.MeanPerClassRecall, 12);
    }

    public static TheoryData<float[], int, double, double> Ties => new()
    {
        // A tie ranks the lower class index first.
        { [0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f], 0, 1.0, 1.0 },
        { [0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f], 4, 0.0, 1.0 },
        { [0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f], 5, 0.0, 0.0 },
        { [0.1f, 0.7f, 0.7f, 0.2f, 0.7f, 0.7f], 1, 1.0, 1.0 },
        { [0.1f, 0.7f, 0.7f, 0.2f, 0.7f, 0.7f], 2, 0.0, 1.0 },
        { [0.9f, 0.7f, 0.7f, 0.7f, 0.7f, 0.7f], 5, 0.0, 0.0 },
        { [0.9f, 0.7f, 0.7f, 0.7f, 0.7f, 0.8f], 1, 0.0, 1.0 },
        { [0.9f, 0.7f, 0.7f, 0.7f, 0.7f, 0.8f], 4, 0.0, 0.0 },
    };

    [Theory]
    [MemberData(nameof(Ties))]
    public void Compute_TiedScores_LowerClassIndexRanksFirst(float[] row, int label, double acc1, double acc5)
    {
        // Act
        var result = ClassificationMetrics.Compute([row], [label]);

        // Assert
        Assert.Equal(acc1, result.Acc1);
        Assert.Equal(acc5, result.Acc5);
    }

    public static TheoryData<int[], int, double> Candidates => new()
    {
        // Row [0.9, 0.5, 0.1, 0.3] with true class 2: rank among the candidates only.
        { [1, 2], 2, 0.0 },
        { [2, 3], 2, 0.0 },
        { [2], 1, 1.0 },
        { [0, 1, 2, 3], 4, 0.0 },
    };

    [Theory]
    [MemberData(nameof(Candidates))]
    public void Compute_CandidateClasses_RanksAmongCandidatesOnly(int[] candidates, int topK, double acc1)
    {
        // Act
        var result = ClassificationMetrics.Compute([[0.9f, 0.5f, 0.1f, 0.3f]], [2], candidates);

        // Assert: the true class is behind 0.9 and 0.5 and 0.3 in all classes, so top-k (k = candidate count) always holds.
        Assert.Equal(acc1, result.Acc1);
        Assert.Equal(1.0, result.Acc5);
        Assert.Equal(topK, result.TopK);
        Assert.Equal(candidates.Length, result.Classes);
    }

    [Fact]
    public void Compute_ClassesWithoutSamples_LeftOutOfMeanRecall()
    {
        // Arrange: five classes, samples of classes 1 and 3 only; class 1 hit once of twice, class 3 missed.
        float[][] scores = [[0f, 1f, 0f, 0f, 0f], [0f, 0f, 1f, 0f, 0f], [0f, 0f, 0f, 0.5f, 0.9f]];
        int[] labels = [1, 1, 3];

        // Act
        var result = ClassificationMetrics.Compute(scores, labels);

        // Assert: (1/2 + 0/1) / 2 classes present, not / 5.
        Assert.Equal(0.25, result.MeanPerClassRecall, 12);
    }

    public static TheoryData<float[][], int[], int[]?> BadInputs => new()
    {
        { [], [], null },
        { [[0.1f, 0.2f]], [2], null },
        { [[0.1f, 0.2f]], [-1], null },
        { [[0.1f, 0.2f]], [0, 1], null },
        { [[0.1f, 0.2f], [0.3f]], [0, 1], null },
        { [[float.NaN, 0.2f]], [1], null },
        { [[0.1f, float.NaN]], [1], null },
        { [[0.1f, 0.2f]], [0], [1] },
        { [[0.1f, 0.2f]], [0], [] },
        { [[0.1f, 0.2f]], [0], [0, 2] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Compute_BadInput_ThrowsArgumentException(float[][] scores, int[] labels, int[]? candidates)
    {
        // Act + Assert
        Assert.ThrowsAny<ArgumentException>(() => ClassificationMetrics.Compute(scores, labels, candidates));
    }
}
