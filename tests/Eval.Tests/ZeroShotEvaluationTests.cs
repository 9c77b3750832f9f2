using MultiModal.Index.ZeroShot;
using MultiModal.Training.Data;

namespace MultiModal.Eval.Tests;

/// <summary>
/// <see cref="ZeroShotEvaluation.Evaluate"/> end to end with the tiny fixture model over real photos (files and
/// in-memory streams), checked against a brute-force recomputation from the model's own embeddings.
/// </summary>
public sealed class ZeroShotEvaluationTests(Fixtures fixtures) : IClassFixture<Fixtures>
{
    private static readonly string[] ClassNames = ["fruit", "camera", "cat", "coffee", "butterfly", "house", "football player"];

    private static readonly string[] Templates = ["a photo of a {}.", "a blurry picture of the {c}"];

    /// <summary>(image, label): two in-memory images, the rest on disk; classes 1 and 4 have two samples each.</summary>
    private static readonly (string Image, int Label, bool InMemory)[] Items =
    [
        ("fruits.jpg", 0, false), ("camera.png", 1, true), ("chelsea.png", 2, false), ("coffee.png", 3, false),
        ("butterfly.jpg", 4, true), ("home.jpg", 5, false), ("messi5.jpg", 6, false), ("logo.png", 1, false), ("green_palette.png", 4, false),
    ];

    private static ListDataset Dataset() => new("photos", Items.Select(i =>
        new ImageTextSample(i.InMemory ? Fixtures.InMemory(i.Image) : ImageRef.FromFile(Fixtures.Image(i.Image)), [], i.Label)).ToArray(), ClassNames);

    [Fact]
    public void Evaluate_TinyModel_EqualsBruteForceFromModelEmbeddings()
    {
        // Arrange
        var expected = BruteForce(null);

        // Act
        var result = ZeroShotEvaluation.Evaluate(fixtures.Model, Dataset(), new ZeroShotEvalOptions { Templates = Templates, BatchSize = 4 });

        // Assert
        Assert.Equal(expected.Acc1, result.Overall.Acc1, 12);
        Assert.Equal(expected.Acc5, result.Overall.Acc5, 12);
        Assert.Equal(expected.Recall, result.Overall.MeanPerClassRecall, 12);
        Assert.Equal((9, 7, 5), (result.Overall.Samples, result.Overall.Classes, result.Overall.TopK));
        Assert.Null(result.Subset);
    }

    [Fact]
    public void Evaluate_Subset_EqualsBruteForceOverSubsetSamples()
    {
        // Arrange
        string[] subset = ["camera", "butterfly", "cat"];
        var allClasses = BruteForce([1, 4, 2], restrict: false);
        var restricted = BruteForce([1, 4, 2], restrict: true);

        // Act
        var result = ZeroShotEvaluation.Evaluate(fixtures.Model, Dataset(), new ZeroShotEvalOptions { Templates = Templates, SubsetClasses = subset });

        // Assert
        var scores = Assert.IsType<ZeroShotSubsetScores>(result.Subset);
        Assert.Equal([1, 2, 4], scores.ClassIndices);
        Assert.Equal((allClasses.Acc1, allClasses.Acc5, allClasses.Recall), (scores.AllClasses.Acc1, scores.AllClasses.Acc5, scores.AllClasses.MeanPerClassRecall));
        Assert.Equal((restricted.Acc1, restricted.Acc5, restricted.Recall), (scores.SubsetClasses.Acc1, scores.SubsetClasses.Acc5, scores.SubsetClasses.MeanPerClassRecall));
        Assert.Equal((5, 3, 3), (scores.SubsetClasses.Samples, scores.SubsetClasses.Classes, scores.SubsetClasses.TopK));
    }

    [Fact]
    public void Evaluate_Progress_EveryStageEndsAtItsTotal()
    {
        // Arrange
        var reports = new List<EvalProgress>();

        // Act
        ZeroShotEvaluation.Evaluate(fixtures.Model, Dataset(), new ZeroShotEvalOptions { Templates = Templates, BatchSize = 2 }, new Recorder<EvalProgress>(reports));

        // Assert
        Assert.Equal([EvalStage.ClassWeights, EvalStage.Images, EvalStage.Scoring], reports.Select(r => r.Stage).Distinct());
        Assert.Equal(new EvalProgress(EvalStage.ClassWeights, 7, 7), reports.Last(r => r.Stage == EvalStage.ClassWeights));
        Assert.Equal(new EvalProgress(EvalStage.Images, 9, 9), reports.Last(r => r.Stage == EvalStage.Images));
        Assert.Equal(new EvalProgress(EvalStage.Scoring, 9, 9), reports[^1]);
    }

    [Fact]
    public void Evaluate_Cancelled_ThrowsOperationCanceled()
    {
        // Arrange
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        // Act + Assert
        Assert.ThrowsAny<OperationCanceledException>(() =>
            ZeroShotEvaluation.Evaluate(fixtures.Model, Dataset(), new ZeroShotEvalOptions { Templates = Templates }, cancellationToken: cts.Token));
    }

    [Fact]
    public void Evaluate_UnknownSubsetClass_ThrowsNamingIt()
    {
        // Act
        var error = Assert.Throws<ArgumentException>(() =>
            ZeroShotEvaluation.Evaluate(fixtures.Model, Dataset(), new ZeroShotEvalOptions { Templates = Templates, SubsetClasses = ["cat", "zebra"] }));

        // Assert
        Assert.Contains("'zebra'", error.Message);
        Assert.DoesNotContain("'cat'", error.Message);
    }

    [Fact]
    public void Evaluate_CaptionDataset_ThrowsNeedsClassNames()
    {
        // Arrange
        var dataset = new ListDataset("captions", [new ImageTextSample(ImageRef.FromFile(Fixtures.Image("fruits.jpg")), ["fruit"])]);

        // Act + Assert
        var error = Assert.Throws<ArgumentException>(() => ZeroShotEvaluation.Evaluate(fixtures.Model, dataset, new ZeroShotEvalOptions { Templates = Templates }));
        Assert.Contains("class names", error.Message);
    }

    [Fact]
    public void Evaluate_LabelOutOfRange_ThrowsNamingSample()
    {
        // Arrange
        var dataset = new ListDataset("bad", [new ImageTextSample(ImageRef.FromFile(Fixtures.Image("fruits.jpg")), [], 7)], ClassNames);

        // Act + Assert
        var error = Assert.Throws<InvalidDataException>(() => ZeroShotEvaluation.Evaluate(fixtures.Model, dataset, new ZeroShotEvalOptions { Templates = Templates }));
        Assert.Contains("sample 0", error.Message);
    }

    /// <summary>
    /// The metrics recomputed independently: every image encoded from its file in one call, classes ranked by the
    /// classifier's own probabilities (ties: lower index), counted by hand.
    /// </summary>
    private (double Acc1, double Acc5, double Recall) BruteForce(int[]? subset, bool restrict = false)
    {
        var classifier = ZeroShotClassifier.Create(fixtures.Model, ClassNames, Templates);
        var embeddings = fixtures.Model.EncodeImages(Items.Select(i => Fixtures.Image(i.Image)).ToArray());
        var predictions = classifier.Classify(embeddings, ClassNames.Length);
        int n = 0, top1 = 0, topK = 0;
        var perClass = new Dictionary<int, (int Hits, int Count)>();
        for (var i = 0; i < Items.Length; i++)
        {
            int label = Items[i].Label;
            if (subset is not null && !subset.Contains(label))
            {
                continue;
            }
            var ranked = predictions[i].Top.Select(l => l.Index).Where(c => !restrict || subset!.Contains(c)).ToList();
            int k = Math.Min(5, ranked.Count);
            n++;
            bool hit = ranked[0] == label;
            top1 += hit ? 1 : 0;
            topK += ranked.Take(k).Contains(label) ? 1 : 0;
            var (hits, count) = perClass.GetValueOrDefault(label);
            perClass[label] = (hits + (hit ? 1 : 0), count + 1);
        }
        return ((double)top1 / n, (double)topK / n, perClass.Values.Average(v => (double)v.Hits / v.Count));
    }
}
