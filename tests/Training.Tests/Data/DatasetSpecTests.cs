using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Data;

public sealed class DatasetSpecTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string, DatasetSpec> ValidSpecs() => new()
    {
        { "fashion-mnist:test", new DatasetSpec(DatasetSpecKind.FashionMnist, null, null, "test") },
        { "Fashion-MNIST:TRAIN:/data/fm", new DatasetSpec(DatasetSpecKind.FashionMnist, "/data/fm", null, "train") },
        { "idx:/d/img.gz,/d/lab.gz", new DatasetSpec(DatasetSpecKind.Idx, "/d/img.gz", "/d/lab.gz", null) },
        { "cifar10:/d/c:10:test", new DatasetSpec(DatasetSpecKind.Cifar10, "/d/c:10", null, "test") },
        { "cifar100:rel/dir:train", new DatasetSpec(DatasetSpecKind.Cifar100, "rel/dir", null, "train") },
        { "imagefolder:/pics", new DatasetSpec(DatasetSpecKind.ImageFolder, "/pics", null, null) },
        { "manifest:/m/a.JSONL", new DatasetSpec(DatasetSpecKind.Manifest, "/m/a.JSONL", null, null) },
        { "manifest:a.tsv", new DatasetSpec(DatasetSpecKind.Manifest, "a.tsv", null, null) },
        { "karpathy:/k/dataset_coco.json:test:/coco", new DatasetSpec(DatasetSpecKind.Karpathy, "/k/dataset_coco.json", "/coco", "test") },
        { "karpathy:/k/d.json:train+restval", new DatasetSpec(DatasetSpecKind.Karpathy, "/k/d.json", null, "train+restval") },
        { "karpathy:/k:v/d.json:val:/r:oot", new DatasetSpec(DatasetSpecKind.Karpathy, "/k:v/d.json", "/r:oot", "val") },
    };

    [Theory]
    [MemberData(nameof(ValidSpecs))]
    public void Parse_ValidSpec_GivesKindPathsAndSplit(string text, DatasetSpec expected)
    {
        // Act
        DatasetSpec spec = DatasetSpec.Parse(text);

        // Assert
        Assert.Equal(expected, spec);
        Assert.Equal(spec, DatasetSpec.Parse(spec.ToString()));
    }

    [Theory]
    [InlineData("", "expected KIND:ARGUMENTS")]
    [InlineData("cifar10", "expected KIND:ARGUMENTS")]
    [InlineData("coco:/x", "unknown dataset kind 'coco'")]
    [InlineData("fashion-mnist:val", "split 'val' must be train or test")]
    [InlineData("fashion-mnist:train:", "DIR is empty")]
    [InlineData("idx:/a", "exactly two paths")]
    [InlineData("idx:/a,/b,/c", "exactly two paths")]
    [InlineData("idx:/a,", "LABELS is empty")]
    [InlineData("cifar10:/dir", "needs DIR:SPLIT")]
    [InlineData("cifar100:/dir:validation", "split 'validation'")]
    [InlineData("cifar10::test", "DIR is empty")]
    [InlineData("imagefolder:  ", "DIR is empty")]
    [InlineData("manifest:/m/a.json", "must end in .jsonl, .csv or .tsv")]
    [InlineData("karpathy:/k/d.json", "FILE:SPLIT")]
    [InlineData("karpathy:/k/d.json:dev:/r", "FILE:SPLIT")]
    [InlineData("karpathy:test", "FILE:SPLIT")]
    public void Parse_MalformedSpec_ThrowsQuotingSpecProblemAndGrammar(string text, string problem)
    {
        // Act
        var ex = Assert.Throws<ArgumentException>(() => DatasetSpec.Parse(text));

        // Assert
        Assert.Equal("spec", ex.ParamName);
        Assert.Contains($"'{text}'", ex.Message);
        Assert.Contains(problem, ex.Message);
        Assert.Contains("karpathy:FILE.json:", ex.Message);
    }

    [Fact]
    public void Open_IdxSpec_LoadsTheFiles()
    {
        (byte[] pixels, byte[] labels) = TestFiles.IdxContent(3, 2, 2, 3);
        TestFiles.WriteIdx(temp.File("img"), [3, 2, 2], pixels);
        TestFiles.WriteIdx(temp.File("lab"), [3], labels);

        IImageTextDataset dataset = DatasetSpec.Open($"idx:{temp.File("img")},{temp.File("lab")}");

        Assert.IsType<IdxDataset>(dataset);
        Assert.Equal(3, dataset.Count);
    }

    [Fact]
    public void Open_Cifar10Spec_LoadsTheSplit()
    {
        TestFiles.WriteCifar10(temp.File("cifar-10-batches-bin"));

        IImageTextDataset dataset = DatasetSpec.Open($"cifar10:{temp.Path}:test");

        Assert.Equal("cifar10-test", dataset.Name);
        Assert.Equal(3, dataset.Count);
    }

    [Fact]
    public void Open_FashionMnistSpecWithDir_LoadsTheSplit()
    {
        TestFiles.WriteIdx(temp.File("t10k-images-idx3-ubyte"), [1, 28, 28], new byte[784]);
        TestFiles.WriteIdx(temp.File("t10k-labels-idx1-ubyte"), [1], [4]);

        IImageTextDataset dataset = DatasetSpec.Open($"fashion-mnist:test:{temp.Path}");

        Assert.Equal("Coat", dataset.ClassNames![dataset[0].Label]);
    }

    [Fact]
    public void Open_ManifestAndKarpathyAndImageFolderSpecs_LoadThem()
    {
        // Arrange
        string manifest = temp.Write("m.csv", "image,caption\na.jpg,x\n");
        string karpathy = temp.Write("d.json", """{"images": [{"filename": "a.jpg", "split": "val", "sentences": [{"raw": "x"}]}]}""");
        temp.Write("folder/cls/a.png", "x");

        // Act
        IImageTextDataset m = DatasetSpec.Open($"manifest:{manifest}");
        IImageTextDataset k = DatasetSpec.Open($"karpathy:{karpathy}:val:/images");
        IImageTextDataset f = DatasetSpec.Open($"imagefolder:{temp.File("folder")}");

        // Assert
        Assert.Equal(temp.File("a.jpg"), m[0].Image.FilePath);
        Assert.Equal("/images/a.jpg", k[0].Image.FilePath);
        Assert.Equal(["cls"], f.ClassNames);
    }
}
