namespace MultiModal.Eval.Tests;

/// <summary><see cref="ZeroShotEvaluation.Score"/>: hand-computed overall and class-subset metrics.</summary>
public sealed class ZeroShotScoreTests
{
    /// <summary>Axis-aligned class weights, so each image's class scores are its own coordinates.</summary>
    private static readonly float[][] Weights = [[1f, 0f, 0f], [0f, 1f, 0f], [0f, 0f, 1f]];

    private static readonly float[][] Images =
    [
        [0.9f, 0.3f, 0.1f], // class 0: rank 0
        [0.8f, 0.6f, 0.0f], // class 1: rank 1 (class 0 ahead); among {1, 2}: rank 0
        [0.1f, 0.2f, 0.7f], // class 2: rank 0; among {1, 2}: rank 0
        [0.5f, 0.1f, 0.4f], // class 2: rank 1 (class 0 ahead); among {1, 2}: rank 0
        [0.2f, 0.9f, 0.0f], // class 1: rank 0; among {1, 2}: rank 0
        [0.0f, 0.6f, 0.5f], // class 2: rank 1 (class 1 ahead); among {1, 2}: rank 1
    ];

    private static readonly int[] Labels = [0, 1, 2, 2, 1, 2];

    [Fact]
    public void Score_NoSubset_HandComputedOverallOnly()
    {
        // Act
        var result = ZeroShotEvaluation.Score(Weights, Images, Labels);

        // Assert: top-1 hits 0, 2, 4; recalls: class 0 1/1, class 1 1/2, class 2 1/3.
        Assert.Equal(0.5, result.Overall.Acc1);
        Assert.Equal(1.0, result.Overall.Acc5);
        Assert.Equal((1 + 0.5 + 1.0 / 3) / 3, result.Overall.MeanPerClassRecall, 12);
        Assert.Null(result.Subset);
        Assert.Equal(["acc1", "acc5", "mean_per_class_recall"], result.ToMetrics().Select(m => m.Name));
    }

    [Fact]
    public void Score_Subset_AllClassesAndRestrictedHandComputed()
    {
        // Act
        var result = ZeroShotEvaluation.Score(Weights, Images, Labels, [1, 2]);

        // Assert: subset samples 1-5. All classes: top-1 hits 2, 4; recalls class 1 1/2, class 2 1/3.
        var subset = Assert.IsType<ZeroShotSubsetScores>(result.Subset);
        Assert.Equal([1, 2], subset.ClassIndices);
        Assert.Equal(2.0 / 5, subset.AllClasses.Acc1, 12);
        Assert.Equal(1.0, subset.AllClasses.Acc5);
        Assert.Equal((0.5 + 1.0 / 3) / 2, subset.AllClasses.MeanPerClassRecall, 12);
        Assert.Equal((5, 3, 3), (subset.AllClasses.Samples, subset.AllClasses.Classes, subset.AllClasses.TopK));
        // Restricted to {1, 2}: top-1 hits 1-4; recalls class 1 2/2, class 2 2/3; top-k is top-2.
        Assert.Equal(4.0 / 5, subset.SubsetClasses.Acc1, 12);
        Assert.Equal(1.0, subset.SubsetClasses.Acc5);
        Assert.Equal((1 + 2.0 / 3) / 2, subset.SubsetClasses.MeanPerClassRecall, 12);
        Assert.Equal((5, 2, 2), (subset.SubsetClasses.Samples, subset.SubsetClasses.Classes, subset.SubsetClasses.TopK));
        // The overall metrics ignore the subset.
        Assert.Equal(0.5, result.Overall.Acc1);
    }

    [Fact]
    public void ToMetrics_Subset_NineNamesInReportOrder()
    {
        // Act
        var metrics = ZeroShotEvaluation.Score(Weights, Images, Labels, [2]).ToMetrics();

        // Assert
        Assert.Equal(
            ["acc1", "acc5", "mean_per_class_recall", "subset_acc1", "subset_acc5", "subset_mean_per_class_recall",
             "subset_restricted_acc1", "subset_restricted_acc5", "subset_restricted_mean_per_class_recall"],
            metrics.Select(m => m.Name));
        // Subset {2}: samples 2, 3, 5 with all-class ranks 0, 1, 1; alone in its subset every sample is a hit.
        Assert.Equal([0.5, 1, (1 + 0.5 + 1.0 / 3) / 3, 1.0 / 3, 1, 1.0 / 3, 1, 1, 1], metrics.Select(m => m.Value), new Tolerance(1e-12));
    }

    [Fact]
    public void Score_EqualClassWeights_LowerClassIndexWins()
    {
        // Arrange: classes 0 and 1 have the same weight, so every image ties them.
        float[][] weights = [[0f, 1f], [0f, 1f], [1f, 0f]];

        // Act
        var result = ZeroShotEvaluation.Score(weights, [[0.1f, 0.9f], [0.2f, 0.8f]], [0, 1]);

        // Assert: the class-0 image is a top-1 hit, the class-1 image is not.
        Assert.Equal(0.5, result.Overall.Acc1);
        Assert.Equal(1.0, result.Overall.Acc5);
    }

    [Fact]
    public void Score_SubsetWithoutSamples_Throws()
    {
        // Act + Assert
        Assert.Throws<ArgumentException>(() => ZeroShotEvaluation.Score(Weights, Images, [0, 0, 0, 0, 0, 0], [1, 2]));
    }

    [Fact]
    public void Score_WidthMismatch_Throws()
    {
        // Act + Assert
        Assert.Throws<ArgumentException>(() => ZeroShotEvaluation.Score(Weights, [[1f, 0f]], [0]));
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }
}
