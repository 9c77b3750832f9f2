using MultiModal.Encoders;
using MultiModal.Index.ZeroShot;

namespace MultiModal.Index.Tests.ZeroShot;

/// <summary>The classifier on the tiny random-weight fixture model: consistency, not accuracy.</summary>
public sealed class ZeroShotClassifierTests : IClassFixture<ZeroShotClassifierTests.ModelFixture>
{
    private static readonly string[] Classes = ["cat", "dog", "camera", "fruit bowl", "butterfly"];
    private static readonly string[] Templates = ["a photo of a {}.", "a blurry photo of the {c}.", "art of a {}."];
    private static readonly string[] Images = [ZeroShotFixtures.Image("fruits.jpg"), ZeroShotFixtures.Image("camera.png"), ZeroShotFixtures.Image("butterfly.jpg")];

    private readonly ModelFixture _fixture;

    public ZeroShotClassifierTests(ModelFixture fixture) => _fixture = fixture;

    private ClipModel Model => _fixture.Model;

    private ZeroShotClassifier Classifier => _fixture.Classifier;

    [Fact]
    public void Create_Weights_EqualEnsembleOfIndependentlyEncodedPrompts()
    {
        for (var c = 0; c < Classes.Length; c++)
        {
            var prompts = Templates.Select(t => t.Replace("{c}", Classes[c]).Replace("{}", Classes[c])).ToArray();
            var expected = ZeroShotWeights.Build([Model.EncodeTexts(prompts)]);

            // Batching differs (all classes in one batch vs one class); per-row results agree to float rounding.
            Assert.Equal(Model.EmbedDim, Classifier.Weights[c].Length);
            for (var i = 0; i < Model.EmbedDim; i++)
            {
                Assert.Equal(expected[0][i], Classifier.Weights[c][i], 1e-5f);
            }
        }
        Assert.Equal(Classes, Classifier.ClassNames);
    }

    [Fact]
    public void Create_LogitScale_IsExpOfModelParameter()
    {
        var expected = MathF.Exp(Model.Network.LogitScale.detach().cpu().item<float>());

        Assert.Equal(expected, Classifier.LogitScale, expected * 1e-6f);
    }

    [Fact]
    public void Classify_Paths_ProbabilitiesSumToOneAndTopOneIsArgmaxOfModelLogits()
    {
        var predictions = Classifier.Classify(Images, Classes.Length);
        var logits = Model.ComputeLogits(Model.EncodeImages(Images), Classifier.Weights);

        Assert.Equal(Images.Length, predictions.Count);
        for (var i = 0; i < Images.Length; i++)
        {
            var p = predictions[i];
            Assert.Equal(i, p.ImageIndex);
            Assert.Equal(1.0, p.Top.Sum(l => (double)l.Probability), 1e-5);
            Assert.Equal(Enumerable.Range(0, Classes.Length), p.Top.Select(l => l.Index).Order());
            Assert.True(p.Top.Zip(p.Top.Skip(1)).All(pair => pair.First.Probability >= pair.Second.Probability));
            int argmax = Enumerable.Range(0, Classes.Length).MaxBy(c => logits[i, c]);
            Assert.Equal(argmax, p.Top[0].Index);
            Assert.Equal(Classes[argmax], p.Top[0].Label);
            // softmax(logits) from the model's own logits, independently.
            double max = Enumerable.Range(0, Classes.Length).Max(c => (double)logits[i, c]);
            double z = Enumerable.Range(0, Classes.Length).Sum(c => Math.Exp(logits[i, c] - max));
            foreach (var label in p.Top)
            {
                Assert.Equal(Math.Exp(logits[i, label.Index] - max) / z, label.Probability, 1e-4);
            }
        }
    }

    [Fact]
    public void Classify_ReversedInput_ResultsFollowInputOrder()
    {
        var forward = Classifier.Classify(Images, 2);
        var reversed = Classifier.Classify(Images.Reverse().ToArray(), 2);

        for (var i = 0; i < Images.Length; i++)
        {
            var a = forward[i].Top;
            var b = reversed[Images.Length - 1 - i].Top;
            Assert.Equal(a.Select(l => l.Index), b.Select(l => l.Index));
            Assert.Equal(a[0].Probability, b[0].Probability, 1e-5f);
        }
    }

    [Fact]
    public void Classify_EmbeddingsAndPaths_Agree()
    {
        var fromPaths = Classifier.Classify(Images, 3);
        var fromEmbeddings = Classifier.Classify(Model.EncodeImages(Images), 3);

        Assert.Equal(fromPaths.Select(p => p.Top.Select(l => l.Index).ToArray()), fromEmbeddings.Select(p => p.Top.Select(l => l.Index).ToArray()));
    }

    [Fact]
    public void Create_DuplicateClassNames_AllowedWithIdenticalWeights()
    {
        var classifier = ZeroShotClassifier.Create(Model, ["missile", "cat", "missile"], ["a {}"]);

        Assert.Equal(classifier.Weights[0], classifier.Weights[2]);
        var top = classifier.Classify(Model.EncodeImages([Images[0]]), 3)[0].Top;
        Assert.Equal([0, 1, 2], top.Select(l => l.Index).Order());
    }

    [Fact]
    public void Create_Progress_ReportsClassesDone()
    {
        var reports = new List<int>();

        ZeroShotClassifier.Create(Model, Classes, Templates, new SyncProgress(reports.Add));

        Assert.Equal(Classes.Length, reports[^1]);
        Assert.True(reports.SequenceEqual(reports.Order()));
    }

    [Fact]
    public void Create_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => ZeroShotClassifier.Create(Model, Classes, Templates, ct: cts.Token));
    }

    [Fact]
    public void Create_BadInput_SpecificErrors()
    {
        Assert.Contains("No class names", Assert.Throws<ArgumentException>(() => ZeroShotClassifier.Create(Model, [], Templates)).Message);
        Assert.Contains("Class name 1", Assert.Throws<ArgumentException>(() => ZeroShotClassifier.Create(Model, ["cat", " "], Templates)).Message);
        Assert.Contains("No templates", Assert.Throws<ArgumentException>(() => ZeroShotClassifier.Create(Model, Classes, [])).Message);
        Assert.Contains("placeholder", Assert.Throws<ArgumentException>(() => ZeroShotClassifier.Create(Model, Classes, ["a {}", "a photo"])).Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(6)]
    public void Classify_KOutOfRange_Throws(int k)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Classifier.Classify(new float[1][] { new float[Model.EmbedDim] }, k));

        Assert.Equal("k", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Classifier.Classify(Images, k));
    }

    [Fact]
    public void Classify_WrongWidthOrZeroEmbedding_ThrowsNamingRow()
    {
        var good = Model.EncodeImages([Images[0]])[0];

        Assert.Contains("imageEmbeddings[1]", Assert.Throws<ArgumentException>(() => Classifier.Classify([good, new float[3]], 1)).Message);
        Assert.Contains("imageEmbeddings[1]", Assert.Throws<ArgumentException>(() => Classifier.Classify([good, new float[Model.EmbedDim]], 1)).Message);
    }

    [Fact]
    public void FromWeights_HandComputedSoftmax()
    {
        // Weights e1, e2; scale 2; image [1,0]: logits [2, 0] → p = [e²/(e²+1), 1/(e²+1)].
        var classifier = ZeroShotClassifier.FromWeights(["a", "b"], [[1f, 0f], [0f, 3f]], 2f);

        var top = classifier.Classify([[5f, 0f], [0f, 1f]], 2);

        float expected = (float)(Math.Exp(2) / (Math.Exp(2) + 1));
        Assert.Equal(("a", 0), (top[0].Top[0].Label, top[0].Top[0].Index));
        Assert.Equal(expected, top[0].Top[0].Probability, 1e-6f);
        Assert.Equal(1 - expected, top[0].Top[1].Probability, 1e-6f);
        Assert.Equal("b", top[1].Top[0].Label);
        Assert.Equal(expected, top[1].Top[0].Probability, 1e-6f);
    }

    [Fact]
    public void FromWeights_BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => ZeroShotClassifier.FromWeights(["a"], [[1f, 0f], [0f, 1f]], 2f));
        Assert.Throws<ArgumentOutOfRangeException>(() => ZeroShotClassifier.FromWeights(["a"], [[1f, 0f]], 0f));
        Assert.Throws<ArgumentException>(() => ZeroShotClassifier.FromWeights(["a"], [[1f, 0f]], 1f, Model));
        Assert.Throws<InvalidOperationException>(() => ZeroShotClassifier.FromWeights(["a"], [[1f, 0f]], 1f).Classify(Images, 1));
    }

    /// <summary>The tiny model and a classifier over <see cref="Classes"/>, shared by the tests of this class.</summary>
    public sealed class ModelFixture : IDisposable
    {
        public ModelFixture()
        {
            Model = ClipModel.Load(ZeroShotFixtures.TinyModel);
            Classifier = ZeroShotClassifier.Create(Model, Classes, Templates);
        }

        public ClipModel Model { get; }

        public ZeroShotClassifier Classifier { get; }

        public void Dispose() => Model.Dispose();
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
