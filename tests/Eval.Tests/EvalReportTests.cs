using System.Text.Json;

namespace MultiModal.Eval.Tests;

/// <summary><see cref="EvalReport"/>: CLIP_benchmark's JSON layout, round trips and atomic saves.</summary>
public sealed class EvalReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-eval-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static EvalReport Retrieval => new()
    {
        Dataset = "flickr30k-test",
        Model = "tiny",
        Task = EvalReport.ZeroShotRetrievalTask,
        Metrics = [new("image_retrieval_recall@1", 0.25), new("text_retrieval_recall@1", 0.5)],
    };

    [Fact]
    public void ToJson_Retrieval_ClipBenchmarkLayoutAndOrder()
    {
        // Act
        using var doc = JsonDocument.Parse(Retrieval.ToJson());

        // Assert
        var root = doc.RootElement;
        Assert.Equal(["dataset", "model", "task", "metrics", "language"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("flickr30k-test", root.GetProperty("dataset").GetString());
        Assert.Equal("tiny", root.GetProperty("model").GetString());
        Assert.Equal("zeroshot_retrieval", root.GetProperty("task").GetString());
        Assert.Equal("en", root.GetProperty("language").GetString());
        var metrics = root.GetProperty("metrics").EnumerateObject().ToList();
        Assert.Equal(["image_retrieval_recall@1", "text_retrieval_recall@1"], metrics.Select(p => p.Name));
        Assert.Equal([0.25, 0.5], metrics.Select(p => p.Value.GetDouble()));
        Assert.DoesNotContain('\n', Retrieval.ToJson());
    }

    [Fact]
    public void ToJson_ZeroShotWithSubsetAndPretrained_AddsBothFields()
    {
        // Arrange
        var result = ZeroShotEvaluation.Score([[1f, 0f], [0f, 1f]], [[1f, 0f], [1f, 0.5f]], [0, 1], [1]);
        var report = EvalReport.ForZeroShot("cifar10", "tiny", result, ["dog"]) with { Pretrained = "/models/tiny" };

        // Act
        using var doc = JsonDocument.Parse(report.ToJson());

        // Assert
        var root = doc.RootElement;
        Assert.Equal(["dataset", "model", "pretrained", "task", "metrics", "language", "subset_classes"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("zeroshot_classification", root.GetProperty("task").GetString());
        Assert.Equal("/models/tiny", root.GetProperty("pretrained").GetString());
        Assert.Equal(["dog"], root.GetProperty("subset_classes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0.5, root.GetProperty("metrics").GetProperty("acc1").GetDouble());
        Assert.Equal(0.0, root.GetProperty("metrics").GetProperty("subset_acc1").GetDouble());
        Assert.Equal(1.0, root.GetProperty("metrics").GetProperty("subset_restricted_acc1").GetDouble());
    }

    [Fact]
    public void Parse_ClipBenchmarkOutput_ReadsEveryField()
    {
        // Arrange: what CLIP_benchmark's cli.py writes with json.dump.
        const string json = """{"dataset": "cifar10", "model": "ViT-B-32", "pretrained": "laion2b_s34b_b79k", "task": "zeroshot_classification", "metrics": {"acc1": 0.9353, "acc5": 0.9982, "mean_per_class_recall": 0.9354}, "language": "en"}""";

        // Act
        var report = EvalReport.Parse(json);

        // Assert
        Assert.Equal(("cifar10", "ViT-B-32", "laion2b_s34b_b79k", "zeroshot_classification", "en"), (report.Dataset, report.Model, report.Pretrained, report.Task, report.Language));
        Assert.Equal(0.9982, report.Metric("acc5"));
        Assert.Equal(["acc1", "acc5", "mean_per_class_recall"], report.Metrics.Select(m => m.Name));
        Assert.Null(report.SubsetClasses);
    }

    [Fact]
    public void SaveLoad_RoundTrip_SameFieldsAndExactValues()
    {
        // Arrange
        var path = Path.Combine(_dir, "report.json");
        var report = Retrieval with { Metrics = [new("image_retrieval_recall@1", 1.0 / 3), new("text_retrieval_recall@1", 2.0 / 7)], SubsetClasses = ["a|b"] };

        // Act
        report.Save(path);
        var loaded = EvalReport.Load(path);

        // Assert
        Assert.Equal(report.Metrics, loaded.Metrics);
        Assert.Equal(report.SubsetClasses, loaded.SubsetClasses);
        Assert.Equal((report.Dataset, report.Model, report.Task, report.Language, report.Pretrained), (loaded.Dataset, loaded.Model, loaded.Task, loaded.Language, loaded.Pretrained));
        Assert.EndsWith("\n", File.ReadAllText(path));
    }

    [Fact]
    public void Save_ExistingFile_ReplacedWithoutTempLeftovers()
    {
        // Arrange
        var path = Path.Combine(_dir, "report.json");
        File.WriteAllText(path, "old");

        // Act
        Retrieval.Save(path);

        // Assert
        Assert.Equal(Retrieval.ToJson() + "\n", File.ReadAllText(path));
        Assert.Equal(["report.json"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_TargetIsAFolder_ThrowsLeavesFolderAndNoTemp()
    {
        // Arrange: a folder where the file should go makes the final rename fail after the temp file is written.
        var path = Path.Combine(_dir, "report.json");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "keep.txt"), "kept");

        // Act
        var error = Record.Exception(() => Retrieval.Save(path));

        // Assert
        Assert.True(error is IOException or UnauthorizedAccessException, error?.ToString());
        Assert.Empty(Directory.GetFiles(_dir));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(path, "keep.txt")));
    }

    [Fact]
    public void Save_MissingFolder_ThrowsDirectoryNotFound()
    {
        // Act + Assert
        Assert.Throws<DirectoryNotFoundException>(() => Retrieval.Save(Path.Combine(_dir, "missing", "report.json")));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"model\": \"m\", \"task\": \"t\", \"metrics\": {}}")]
    [InlineData("{\"dataset\": \"d\", \"model\": \"m\", \"task\": \"t\", \"metrics\": {\"acc1\": \"high\"}}")]
    [InlineData("{\"dataset\": \"d\", \"model\": \"m\", \"task\": \"t\", \"metrics\": []}")]
    [InlineData("{\"dataset\": 3, \"model\": \"m\", \"task\": \"t\", \"metrics\": {}}")]
    [InlineData("{not json")]
    public void Parse_Malformed_ThrowsInvalidData(string json)
    {
        // Act + Assert
        Assert.Throws<InvalidDataException>(() => EvalReport.Parse(json));
    }

    [Fact]
    public void Metric_Unknown_ThrowsListingKnownNames()
    {
        // Act
        var error = Assert.Throws<KeyNotFoundException>(() => Retrieval.Metric("acc1"));

        // Assert
        Assert.Contains("image_retrieval_recall@1, text_retrieval_recall@1", error.Message);
    }
}
