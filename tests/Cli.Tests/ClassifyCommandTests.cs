using MultiModal.Encoders;
using MultiModal.Index.ZeroShot;

namespace MultiModal.Cli.Tests;

/// <summary><c>mm classify</c>: JSON shape, agreement with the library, and exit codes.</summary>
public sealed class ClassifyCommandTests : CliTestBase, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-classify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Classify_Cifar10_JsonShapeInInputOrderMatchingLibrary()
    {
        var images = new[] { Image("fruits.jpg"), Image("camera.png") };

        var result = Run("classify", "--model", HfModel, "--classes", "cifar10", "--templates", "imagenet1k-simple",
            "--image", images[0], "--image", images[1], "-k", "3", "--batch-size", "1");

        Assert.Equal(0, result.ExitCode);
        var json = result.Json;
        Assert.Equal("tiny-quickgelu-hf", json.GetProperty("model").GetString());
        Assert.Equal("cifar10", json.GetProperty("classes").GetString());
        Assert.Equal(7, json.GetProperty("templates").GetInt32());
        var rows = json.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(images, rows.Select(r => r.GetProperty("path").GetString()));
        using var model = ClipModel.Load(HfModel);
        var classifier = ZeroShotClassifier.Create(model, ZeroShotDatasets.Get("cifar10").ClassNames, ZeroShotDatasets.GetTemplates("imagenet1k-simple"));
        var expected = classifier.Classify(images, 3);
        for (var i = 0; i < images.Length; i++)
        {
            var top = rows[i].GetProperty("top").EnumerateArray().ToList();
            Assert.Equal(3, top.Count);
            Assert.Equal(expected[i].Top.Select(l => l.Index), top.Select(t => t.GetProperty("index").GetInt32()));
            Assert.Equal(expected[i].Top.Select(l => l.Label), top.Select(t => t.GetProperty("label").GetString()));
            Assert.Equal(expected[i].Top.Select(l => l.Probability), top.Select(t => t.GetProperty("probability").GetSingle()));
        }
    }

    [Fact]
    public void Classify_ClassAndTemplateFiles_AllClassesProbabilitiesSumToOne()
    {
        var classes = Write("classes.txt", "cat\ndog\nbowl of fruit\n");
        var templates = Write("templates.json", "[\"a photo of a {}.\", \"a {c}\"]");

        var result = Run("classify", "--model", HfModel, "--classes", classes, "--templates", templates, "--image", Image("fruits.jpg"), "-k", "3");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(classes, result.Json.GetProperty("classes").GetString());
        Assert.Equal(2, result.Json.GetProperty("templates").GetInt32());
        var top = result.Json.GetProperty("images")[0].GetProperty("top").EnumerateArray().ToList();
        Assert.Equal(1.0, top.Sum(t => t.GetProperty("probability").GetDouble()), 1e-5);
        Assert.Equal([0, 1, 2], top.Select(t => t.GetProperty("index").GetInt32()).Order());
    }

    [Fact]
    public void Classify_ClassFileWithoutTemplates_UsesEightyImageNetTemplates()
    {
        var classes = Write("classes.txt", "cat\ndog\n");

        var result = Run("classify", "--model", HfModel, "--classes", classes, "--image", Image("camera.png"), "-k", "1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(80, result.Json.GetProperty("templates").GetInt32());
        Assert.Single(result.Json.GetProperty("images")[0].GetProperty("top").EnumerateArray());
    }

    [Theory]
    [InlineData("classify", "--model", "M", "--image", "x.jpg")]
    [InlineData("classify", "--model", "M", "--classes", "cifar10")]
    [InlineData("classify", "--model", "M", "--classes", "cifar10", "--image", "x.jpg", "-k", "0")]
    [InlineData("classify", "--model", "M", "--classes", "cifar10", "--image", "x.jpg", "-k", "11")]
    [InlineData("classify", "--model", "M", "--classes", "cifar10", "--image", "x.jpg", "--top", "3")]
    [InlineData("classify", "--model", "M", "--classes", "cifar10", "--image", "x.jpg", "stray")]
    [InlineData("classify", "--classes", "cifar10", "--image", "x.jpg")]
    public void Classify_UsageErrors_ExitTwoBeforeLoading(params string[] args)
    {
        var result = Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("mm: ", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void Classify_UnknownClassSet_ExitOneListingKnownSets()
    {
        var result = Run("classify", "--model", HfModel, "--classes", "mnist", "--image", Image("fruits.jpg"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("mnist", result.Stderr);
        Assert.Contains("cifar10, cifar100, fashion-mnist, imagenet1k", result.Stderr);
    }

    [Fact]
    public void Classify_UnknownTemplateSet_ExitOneListingKnownSets()
    {
        var result = Run("classify", "--model", HfModel, "--classes", "cifar10", "--templates", "fancy", "--image", Image("fruits.jpg"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("imagenet1k-simple", result.Stderr);
    }

    [Fact]
    public void Classify_TemplateFileWithoutPlaceholder_ExitOneNamingFileAndLine()
    {
        var templates = Write("templates.txt", "a photo of a {}.\na photo\n");

        var result = Run("classify", "--model", HfModel, "--classes", "cifar10", "--templates", templates, "--image", Image("fruits.jpg"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("templates.txt", result.Stderr);
        Assert.Contains("line 2", result.Stderr);
    }

    [Fact]
    public void Classify_CorruptImage_ExitOneNamingFileNoOutput()
    {
        var result = Run("classify", "--model", HfModel, "--classes", "cifar10", "--templates", "imagenet1k-simple", "--image", Image("fruits.jpg"), "--image", Image("truncated.jpg"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("truncated.jpg", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}
