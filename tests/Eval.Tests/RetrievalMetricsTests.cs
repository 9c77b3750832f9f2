namespace MultiModal.Eval.Tests;

/// <summary><see cref="RetrievalMetrics"/> on hand-computed caption × image score matrices and against brute force.</summary>
public sealed class RetrievalMetricsTests
{
    /// <summary>3 images, 5 captions: images 0 and 2 have two captions each.</summary>
    private static readonly float[][] Scores =
    [
        [0.9f, 0.1f, 0.2f], // caption 0 of image 0: image 0 first
        [0.3f, 0.8f, 0.1f], // caption 1 of image 0: image 0 second
        [0.7f, 0.6f, 0.5f], // caption 2 of image 1: image 1 second
        [0.4f, 0.5f, 0.3f], // caption 3 of image 2: image 2 third
        [0.1f, 0.2f, 0.6f], // caption 4 of image 2: image 2 first
    ];

    private static readonly int[] TextImage = [0, 0, 1, 2, 2];

    public static TheoryData<int, double, double> MultiCaption => new()
    {
        // text→image: caption ranks 0, 1, 1, 2, 0. image→text: image 0's best caption (0, score 0.9) has nobody ahead;
        // image 1's caption 2 (0.6) has caption 1 (0.8) ahead; image 2's best caption 4 (0.6) has nobody ahead.
        { 1, 2.0 / 5, 2.0 / 3 },
        { 2, 4.0 / 5, 1.0 },
        { 3, 1.0, 1.0 },
        { 10, 1.0, 1.0 },
    };

    [Theory]
    [MemberData(nameof(MultiCaption))]
    public void Compute_MultipleCaptionsPerImage_HandComputedRecall(int k, double imageRetrieval, double textRetrieval)
    {
        // Act
        var result = RetrievalMetrics.Compute(Scores, TextImage, [k]);

        // Assert
        var recall = Assert.Single(result.Recalls);
        Assert.Equal(k, recall.K);
        Assert.Equal(imageRetrieval, recall.ImageRetrieval, 12);
        Assert.Equal(textRetrieval, recall.TextRetrieval, 12);
        Assert.Equal((3, 5, 3), (result.Images, result.Texts, result.ImageQueries));
    }

    [Fact]
    public void Compute_AllScoresTied_LowerIndexRanksFirst()
    {
        // Arrange: 2 images, one caption each, every score equal.
        float[][] scores = [[0.5f, 0.5f], [0.5f, 0.5f]];

        // Act
        var result = RetrievalMetrics.Compute(scores, [0, 1], [1, 2]);

        // Assert: caption 0 retrieves image 0 first, caption 1 does not; image 0 retrieves caption 0 first, image 1 does not.
        Assert.Equal(0.5, result.Recalls[0].ImageRetrieval);
        Assert.Equal(0.5, result.Recalls[0].TextRetrieval);
        Assert.Equal(1.0, result.Recalls[1].ImageRetrieval);
        Assert.Equal(1.0, result.Recalls[1].TextRetrieval);
    }

    [Fact]
    public void Compute_TiedPositivesAndNegatives_BestPositiveIsLowestIndexAmongTies()
    {
        // Arrange: image 1 has captions 1 and 2; caption 0 (of image 0) ties them on image 1 and comes first.
        float[][] scores = [[0.9f, 0.4f], [0.2f, 0.4f], [0.3f, 0.4f]];

        // Act
        var result = RetrievalMetrics.Compute(scores, [0, 1, 1], [1, 2]);

        // Assert: image→text: image 0 hit@1; image 1's best caption 1 has caption 0 ahead → miss@1, hit@2.
        // text→image: caption 0 hit; caption 1 (0.2 vs 0.4) hit; caption 2 (0.3 vs 0.4) hit.
        Assert.Equal(0.5, result.Recalls[0].TextRetrieval);
        Assert.Equal(1.0, result.Recalls[1].TextRetrieval);
        Assert.Equal(1.0, result.Recalls[0].ImageRetrieval);
    }

    [Fact]
    public void Compute_ImageWithoutCaptions_OnlyADistractor()
    {
        // Arrange: image 2 has no caption but beats image 0 for caption 0.
        float[][] scores = [[0.2f, 0.1f, 0.9f], [0.1f, 0.5f, 0.3f]];

        // Act
        var result = RetrievalMetrics.Compute(scores, [0, 1], [1]);

        // Assert: text→image 1/2; image→text over the 2 captioned images, both hits.
        Assert.Equal(0.5, result.Recalls[0].ImageRetrieval);
        Assert.Equal(1.0, result.Recalls[0].TextRetrieval);
        Assert.Equal(2, result.ImageQueries);
    }

    [Fact]
    public void ToMetrics_DefaultKs_ClipBenchmarkNamesInOrder()
    {
        // Act
        var metrics = RetrievalMetrics.Compute(Scores, TextImage).ToMetrics();

        // Assert
        Assert.Equal(
            ["image_retrieval_recall@1", "text_retrieval_recall@1", "image_retrieval_recall@5", "text_retrieval_recall@5", "image_retrieval_recall@10", "text_retrieval_recall@10"],
            metrics.Select(m => m.Name));
        Assert.Equal([2.0 / 5, 2.0 / 3, 1, 1, 1, 1], metrics.Select(m => m.Value));
    }

    [Fact]
    public void FromEmbeddings_RandomWithDuplicates_EqualsBruteForceSort()
    {
        // Arrange: 40 images (every 5th a copy of the one before, for exact ties), 1-3 captions each, some copied too.
        var random = new Random(1234);
        var images = new float[40][];
        for (var i = 0; i < images.Length; i++)
        {
            images[i] = i % 5 == 4 ? (float[])images[i - 1].Clone() : RandomUnit(random, 12);
        }
        var texts = new List<float[]>();
        var textImage = new List<int>();
        for (var i = 0; i < images.Length; i++)
        {
            for (var c = 0; c < 1 + i % 3; c++)
            {
                texts.Add(c == 2 ? (float[])texts[^1].Clone() : RandomUnit(random, 12));
                textImage.Add(i);
            }
        }
        int[] ks = [1, 3, 5, 10, 50];

        // Act
        var result = RetrievalMetrics.FromEmbeddings(images, texts, textImage, ks);

        // Assert
        for (var j = 0; j < ks.Length; j++)
        {
            var (imageRecall, textRecall) = BruteForce(images, texts, textImage, ks[j]);
            Assert.Equal(imageRecall, result.Recalls[j].ImageRetrieval, 12);
            Assert.Equal(textRecall, result.Recalls[j].TextRetrieval, 12);
        }
    }

    [Fact]
    public void FromEmbeddings_Progress_ReachesCaptionCountInOrder()
    {
        // Arrange
        var random = new Random(7);
        var images = Enumerable.Range(0, 5).Select(_ => RandomUnit(random, 4)).ToArray();
        var texts = Enumerable.Range(0, 150).Select(_ => RandomUnit(random, 4)).ToArray();
        var textImage = Enumerable.Range(0, 150).Select(t => t % 5).ToArray();
        var reports = new List<int>();

        // Act
        RetrievalMetrics.FromEmbeddings(images, texts, textImage, progress: new Recorder<int>(reports));

        // Assert
        Assert.Equal(150, reports[^1]);
        Assert.Equal(reports.Order(), reports);
    }

    [Fact]
    public void FromEmbeddings_Cancelled_ThrowsOperationCanceled()
    {
        // Arrange
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        // Act + Assert
        Assert.ThrowsAny<OperationCanceledException>(() => RetrievalMetrics.FromEmbeddings([[1f, 0f]], [[1f, 0f]], [0], cancellationToken: cts.Token));
    }

    public static TheoryData<float[][], int[], int[]> BadInputs => new()
    {
        { [], [], [1] },
        { [[0.1f, 0.2f]], [2], [1] },
        { [[0.1f, 0.2f]], [-1], [1] },
        { [[0.1f, 0.2f]], [0, 1], [1] },
        { [[0.1f, 0.2f], [0.3f]], [0, 1], [1] },
        { [[0.1f, float.NaN]], [0], [1] },
        { [[float.NaN, 0.2f]], [0], [1] },
        { [[0.1f, 0.2f]], [0], [0] },
        { [[0.1f, 0.2f]], [0], [] },
        { [[0.1f, 0.2f]], [0], [5, 5] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Compute_BadInput_ThrowsArgumentException(float[][] scores, int[] textImage, int[] ks)
    {
        // Act + Assert
        Assert.ThrowsAny<ArgumentException>(() => RetrievalMetrics.Compute(scores, textImage, ks));
    }

    /// <summary>Recall by sorting every row in full: (score descending, index ascending).</summary>
    private static (double Image, double Text) BruteForce(float[][] images, List<float[]> texts, List<int> textImage, int k)
    {
        static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
        int textHits = 0;
        for (var t = 0; t < texts.Count; t++)
        {
            var order = Enumerable.Range(0, images.Length).OrderByDescending(i => Dot(texts[t], images[i])).ThenBy(i => i).Take(k);
            textHits += order.Contains(textImage[t]) ? 1 : 0;
        }
        int imageHits = 0;
        for (var i = 0; i < images.Length; i++)
        {
            var order = Enumerable.Range(0, texts.Count).OrderByDescending(t => Dot(texts[t], images[i])).ThenBy(t => t).Take(k);
            imageHits += order.Any(t => textImage[t] == i) ? 1 : 0;
        }
        return ((double)textHits / texts.Count, (double)imageHits / images.Length);
    }

    private static float[] RandomUnit(Random random, int dim)
    {
        var v = Enumerable.Range(0, dim).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }
}
