using MultiModal.Cli.Commands;
using MultiModal.Encoders;
using MultiModal.Eval;
using MultiModal.Index.ZeroShot;
using MultiModal.Training.Data;

namespace MultiModal.Cli.Tests;

/// <summary>
/// <c>mm eval zeroshot|retrieval</c> with in-memory datasets handed in through <see cref="EvalDatasets.Resolve"/>:
/// agreement with the library, output files, usage errors and exit codes.
/// </summary>
/// <remarks>The resolver is process-wide, so every test that sets it lives in this one collection.</remarks>
[Collection(nameof(EvalCommandTests))]
public sealed class EvalCommandTests : CliTestBase, IDisposable
{
    private static readonly string[] ClassNames = ["fruit", "camera", "cat", "coffee"];

    private readonly string _dir = Directory.CreateTempSubdirectory("mm-eval-").FullName;

    public EvalCommandTests() => EvalDatasets.Resolve = Resolve;

    public void Dispose()
    {
        EvalDatasets.Resolve = EvalDatasets.Open;
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Zeroshot_InjectedDataset_OutputsAgreeWithLibrary()
    {
        // Arrange
        var json = Path.Combine(_dir, "report.json");
        var md = Path.Combine(_dir, "report.md");

        // Act
        var result = Run("eval", "zeroshot", "--model", HfModel, "--dataset", "photos", "--templates", "imagenet1k-simple",
            "--out", json, "--markdown", md, "--batch", "2", "--json");

        // Assert
        Assert.Equal(0, result.ExitCode);
        var report = EvalReport.Load(json);
        Assert.Equal(("photos", "tiny-quickgelu-hf", HfModel, "zeroshot_classification", "en"), (report.Dataset, report.Model, report.Pretrained, report.Task, report.Language));
        using var model = ClipModel.Load(HfModel);
        var expected = ZeroShotEvaluation.Evaluate(model, Photos(), new ZeroShotEvalOptions { Templates = ZeroShotDatasets.GetTemplates("imagenet1k-simple") });
        Assert.Equal(expected.ToMetrics(), report.Metrics);
        var lines = result.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(File.ReadAllText(md), string.Join("\n", lines[..^1]) + "\n");
        Assert.Equal(File.ReadAllText(json).TrimEnd('\n'), lines[^1]);
        Assert.StartsWith("| dataset | model | task | acc1 | acc5 | mean_per_class_recall |", lines[0]);
        Assert.Contains("eval: images 6/6", result.Stderr);
    }

    [Fact]
    public void Zeroshot_Subset_ReportsSubsetMetricsAndClasses()
    {
        // Act
        var result = Run("eval", "zeroshot", "--model", HfModel, "--dataset", "photos", "--templates", "imagenet1k-simple", "--subset", "cat, camera", "--json");

        // Assert
        Assert.Equal(0, result.ExitCode);
        var report = EvalReport.Parse(result.Stdout.TrimEnd('\n').Split('\n')[^1]);
        Assert.Equal(["cat", "camera"], report.SubsetClasses);
        Assert.Equal(9, report.Metrics.Count);
        Assert.Equal(1.0, report.Metric("subset_restricted_acc5"));
        Assert.Contains("subset_restricted_mean_per_class_recall", result.Stdout.Split('\n')[0]);
    }

    [Fact]
    public void Retrieval_InjectedDataset_MetricsAgreeWithLibrary()
    {
        // Arrange
        var json = Path.Combine(_dir, "retrieval.json");

        // Act
        var result = Run("eval", "retrieval", "--model", HfModel, "--dataset", "captions", "--out", json);

        // Assert
        Assert.Equal(0, result.ExitCode);
        var report = EvalReport.Load(json);
        Assert.Equal("zeroshot_retrieval", report.Task);
        using var model = ClipModel.Load(HfModel);
        Assert.Equal(RetrievalEvaluation.Evaluate(model, Captions()).ToMetrics(), report.Metrics);
        Assert.Equal(EvalMarkdown.Render([report]), result.Stdout);
    }

    [Theory]
    [InlineData("eval")]
    [InlineData("eval", "bogus")]
    [InlineData("eval", "zeroshot", "--model", "M")]
    [InlineData("eval", "zeroshot", "--dataset", "photos")]
    [InlineData("eval", "zeroshot", "--model", "M", "--dataset", "photos", "--batch", "0")]
    [InlineData("eval", "zeroshot", "--model", "M", "--dataset", "photos", "--top", "3")]
    [InlineData("eval", "zeroshot", "--model", "M", "--dataset", "photos", "stray")]
    [InlineData("eval", "zeroshot", "--model", "M", "--dataset", "photos", "--json=yes")]
    [InlineData("eval", "zeroshot", "--model", "M", "--dataset", "photos", "--subset", "cat,,coffee")]
    [InlineData("eval", "zeroshot", "--model", "M", "--dataset", "photos", "--subset", "cat,zebra")]
    [InlineData("eval", "zeroshot", "--model", "M", "--dataset", "photos", "--device", "tpu")]
    [InlineData("eval", "zeroshot", "--model", "M", "--dataset", "captions")]
    [InlineData("eval", "zeroshot", "--model", "M", "--dataset", "unknown-spec")]
    [InlineData("eval", "zeroshot", "--model", "M", "--dataset", "photos", "--out", "same.json", "--markdown", "same.json")]
    [InlineData("eval", "retrieval", "--model", "M", "--dataset", "photos")]
    [InlineData("eval", "retrieval", "--model", "M", "--dataset", "captions", "--templates", "cifar10")]
    [InlineData("eval", "retrieval", "--model", "M", "--dataset", "captions", "--subset", "cat")]
    public void Eval_UsageErrors_ExitTwoBeforeLoading(params string[] args)
    {
        // Act: the model "M" does not exist, so reaching the load would exit 1, not 2.
        var result = Run(args);

        // Assert
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("mm: ", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void Eval_MalformedSpec_ExitTwoQuotingTheSpec()
    {
        // Arrange: the real resolver (DatasetSpec) with a spec kind that does not exist.
        EvalDatasets.Resolve = EvalDatasets.Open;

        // Act
        var result = Run("eval", "zeroshot", "--model", HfModel, "--dataset", "nosuchkind:/data/x");

        // Assert
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nosuchkind:/data/x", result.Stderr);
    }

    [Fact]
    public void Eval_OutFolderMissing_ExitOneNamingItBeforeLoading()
    {
        // Act
        var result = Run("eval", "retrieval", "--model", "M", "--dataset", "captions", "--out", Path.Combine(_dir, "missing", "r.json"));

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--out", result.Stderr);
        Assert.Contains("missing", result.Stderr);
    }

    [Fact]
    public void Zeroshot_UnknownTemplateSet_ExitOneListingKnownSets()
    {
        // Act
        var result = Run("eval", "zeroshot", "--model", HfModel, "--dataset", "photos", "--templates", "fancy");

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("imagenet1k-simple", result.Stderr);
    }

    [Fact]
    public void Retrieval_CorruptImage_ExitOneNamingFileNoOutput()
    {
        // Arrange
        var json = Path.Combine(_dir, "r.json");

        // Act
        var result = Run("eval", "retrieval", "--model", HfModel, "--dataset", "corrupt", "--out", json);

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("truncated.jpg", result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.False(File.Exists(json));
    }

    [Fact]
    public void Zeroshot_Cancelled_Exit130()
    {
        // Arrange
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        // Act
        var code = CliApp.Run(["eval", "zeroshot", "--model", HfModel, "--dataset", "photos", "--templates", "imagenet1k-simple"], stdout, stderr, cts.Token);

        // Assert
        Assert.Equal(130, code);
        Assert.Equal("", stdout.ToString());
    }

    [Theory]
    [InlineData("cifar10", "cifar10")]
    [InlineData("cifar10-test", "cifar10")]
    [InlineData("cifar100-test", "cifar100")]
    [InlineData("cifar1000", "imagenet1k")]
    [InlineData("imagenet1k-simple-val", "imagenet1k-simple")]
    [InlineData("fashion-mnist-test", "fashion-mnist")]
    [InlineData("mnist-test", "imagenet1k")]
    public void DefaultTemplatesFor_DatasetName_LongestBuiltInPrefix(string dataset, string expected)
    {
        // Act + Assert
        Assert.Equal(expected, EvalCommand.DefaultTemplatesFor(dataset));
    }

    private static IImageTextDataset Resolve(string spec) => spec switch
    {
        "photos" => Photos(),
        "captions" => Captions(),
        "corrupt" => new ListDataset("corrupt", [new(ImageRef.FromFile(Image("fruits.jpg")), ["fruit"]), new(ImageRef.FromFile(Image("truncated.jpg")), ["broken"])], null),
        _ => throw new UsageException($"--dataset '{spec}': unknown test spec."),
    };

    private static ListDataset Photos() => new("photos",
    [
        new(ImageRef.FromFile(Image("fruits.jpg")), [], 0), new(ImageRef.FromFile(Image("camera.png")), [], 1),
        new(ImageRef.FromFile(Image("chelsea.png")), [], 2), new(ImageRef.FromFile(Image("coffee.png")), [], 3),
        new(ImageRef.FromFile(Image("logo.png")), [], 1), new(ImageRef.FromFile(Image("messi5.jpg")), [], 0),
    ], ClassNames);

    private static ListDataset Captions() => new("captions",
    [
        new(ImageRef.FromFile(Image("fruits.jpg")), ["a bowl of fruit", "apples"]), new(ImageRef.FromFile(Image("camera.png")), ["a photographer"]),
        new(ImageRef.FromFile(Image("chelsea.png")), ["a cat", string.Join(" ", Enumerable.Repeat("a long caption about a cat", 50))]),
        new(ImageRef.FromFile(Image("home.jpg")), ["a house"]),
    ], null);

    private sealed class ListDataset(string name, IReadOnlyList<ImageTextSample> samples, IReadOnlyList<string>? classNames) : IImageTextDataset
    {
        public string Name => name;

        public int Count => samples.Count;

        public IReadOnlyList<string>? ClassNames => classNames;

        public ImageTextSample this[int index] => samples[index];
    }
}
