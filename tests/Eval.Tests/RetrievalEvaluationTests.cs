using MultiModal.Training.Data;

namespace MultiModal.Eval.Tests;

/// <summary>
/// <see cref="RetrievalEvaluation.Evaluate"/> end to end with the tiny fixture model, checked against a brute-force
/// recomputation from the model's own embeddings.
/// </summary>
public sealed class RetrievalEvaluationTests(Fixtures fixtures) : IClassFixture<Fixtures>
{
    /// <summary>Far beyond the 77-token context: the encoder must truncate, not throw.</summary>
    private static readonly string LongCaption = string.Join(" ", Enumerable.Repeat("a very long caption about a striped cat sitting on a red sofa", 60));

    private static readonly (string Image, bool InMemory, string[] Captions)[] Items =
    [
        ("fruits.jpg", false, ["a bowl of fruit", "apples and oranges on a table"]),
        ("camera.png", true, ["a man with a camera"]),
        ("chelsea.png", false, ["a cat", LongCaption, "a tabby cat looking up"]),
        ("coffee.png", true, ["a cup of coffee"]),
        ("home.jpg", false, []),
        ("messi5.jpg", false, ["a football player on the pitch", "soccer"]),
        ("butterfly.jpg", false, ["a butterfly on a flower"]),
    ];

    private static ListDataset Dataset() => new("captions", Items.Select(i =>
        new ImageTextSample(i.InMemory ? Fixtures.InMemory(i.Image) : ImageRef.FromFile(Fixtures.Image(i.Image)), i.Captions)).ToArray());

    [Fact]
    public void Evaluate_TinyModel_EqualsBruteForceFromModelEmbeddings()
    {
        // Arrange
        int[] ks = [1, 2, 5, 10];

        // Act
        var result = RetrievalEvaluation.Evaluate(fixtures.Model, Dataset(), new RetrievalEvalOptions { Ks = ks, BatchSize = 3, TextBatchSize = 4 });

        // Assert
        Assert.Equal((7, 10, 6), (result.Images, result.Texts, result.ImageQueries));
        for (var j = 0; j < ks.Length; j++)
        {
            var (image, text) = BruteForce(ks[j]);
            Assert.Equal(ks[j], result.Recalls[j].K);
            Assert.Equal(image, result.Recalls[j].ImageRetrieval, 12);
            Assert.Equal(text, result.Recalls[j].TextRetrieval, 12);
        }
        Assert.Equal(1.0, result.Recalls[^1].ImageRetrieval);
        Assert.Equal(1.0, result.Recalls[^1].TextRetrieval);
    }

    [Fact]
    public void Evaluate_LongCaption_EmbedsLikeItsTruncation()
    {
        // Arrange: a caption of only the long one.
        var dataset = new ListDataset("long", [new ImageTextSample(ImageRef.FromFile(Fixtures.Image("chelsea.png")), [LongCaption])]);

        // Act
        var result = RetrievalEvaluation.Evaluate(fixtures.Model, dataset, new RetrievalEvalOptions { Ks = [1] });

        // Assert
        Assert.Equal(1.0, result.Recalls[0].ImageRetrieval);
        Assert.Equal(1.0, result.Recalls[0].TextRetrieval);
        Assert.Equal(fixtures.Model.EncodeTexts([LongCaption])[0], fixtures.Model.EncodeTexts([LongCaption + " and more words after the cut"])[0]);
    }

    [Fact]
    public void Evaluate_Progress_TextsImagesScoringEachReachTotal()
    {
        // Arrange
        var reports = new List<EvalProgress>();

        // Act
        RetrievalEvaluation.Evaluate(fixtures.Model, Dataset(), progress: new Recorder<EvalProgress>(reports));

        // Assert
        Assert.Equal([EvalStage.Texts, EvalStage.Images, EvalStage.Scoring], reports.Select(r => r.Stage).Distinct());
        Assert.Equal(new EvalProgress(EvalStage.Texts, 10, 10), reports.Last(r => r.Stage == EvalStage.Texts));
        Assert.Equal(new EvalProgress(EvalStage.Images, 7, 7), reports.Last(r => r.Stage == EvalStage.Images));
        Assert.Equal(new EvalProgress(EvalStage.Scoring, 10, 10), reports[^1]);
    }

    [Fact]
    public void Evaluate_Cancelled_ThrowsOperationCanceled()
    {
        // Arrange
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        // Act + Assert
        Assert.ThrowsAny<OperationCanceledException>(() => RetrievalEvaluation.Evaluate(fixtures.Model, Dataset(), cancellationToken: cts.Token));
    }

    [Fact]
    public void Evaluate_NoCaptions_ThrowsNeedsCaptionDataset()
    {
        // Arrange
        var dataset = new ListDataset("labels", [new ImageTextSample(ImageRef.FromFile(Fixtures.Image("fruits.jpg")), [], 0)], ["fruit"]);

        // Act + Assert
        var error = Assert.Throws<ArgumentException>(() => RetrievalEvaluation.Evaluate(fixtures.Model, dataset));
        Assert.Contains("no captions", error.Message);
    }

    [Fact]
    public void Evaluate_CorruptImage_ThrowsNamingIt()
    {
        // Arrange
        var dataset = new ListDataset("bad", [new ImageTextSample(ImageRef.FromFile(Fixtures.Image("truncated.jpg")), ["x"])]);

        // Act
        var error = Record.Exception(() => RetrievalEvaluation.Evaluate(fixtures.Model, dataset));

        // Assert
        Assert.IsType<MultiModal.Encoders.Imaging.ImageBatchException>(error);
        Assert.Contains("truncated.jpg", error.Message);
    }

    /// <summary>Recall from the model's embeddings (images encoded from files in one call), ranking by full sorts in double precision.</summary>
    private (double Image, double Text) BruteForce(int k)
    {
        var images = fixtures.Model.EncodeImages(Items.Select(i => Fixtures.Image(i.Image)).ToArray());
        var texts = Items.SelectMany((item, i) => item.Captions.Select(c => (Text: c, Image: i))).ToList();
        var textEmbeddings = fixtures.Model.EncodeTexts(texts.Select(t => t.Text).ToArray());
        double Score(int t, int i) => textEmbeddings[t].Zip(images[i], (x, y) => (double)x * y).Sum();
        int textHits = Enumerable.Range(0, texts.Count).Count(t =>
            Enumerable.Range(0, images.Length).OrderByDescending(i => Score(t, i)).ThenBy(i => i).Take(k).Contains(texts[t].Image));
        var queries = Enumerable.Range(0, images.Length).Where(i => Items[i].Captions.Length > 0).ToList();
        int imageHits = queries.Count(i =>
            Enumerable.Range(0, texts.Count).OrderByDescending(t => Score(t, i)).ThenBy(t => t).Take(k).Any(t => texts[t].Image == i));
        return ((double)textHits / texts.Count, (double)imageHits / queries.Count);
    }
}
