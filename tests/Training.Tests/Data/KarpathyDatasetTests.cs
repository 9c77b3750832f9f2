using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Data;

public sealed class KarpathyDatasetTests : IDisposable
{
    /// <summary>A COCO-shaped file: filepath + filename, four splits, extra fields the loader ignores.</summary>
    private const string Coco = """
        {"images": [
          {"filepath": "train2014", "filename": "t1.jpg", "split": "train", "imgid": 0,
           "sentences": [{"raw": "A man riding a horse.", "tokens": ["a"]}, {"raw": "Horse and rider."}]},
          {"filepath": "val2014", "filename": "v1.jpg", "split": "val", "sentences": [{"raw": "A red bus."}]},
          {"filepath": "val2014", "filename": "r1.jpg", "split": "restval", "sentences": [{"raw": "Two cats."}]},
          {"filepath": "val2014", "filename": "x1.jpg", "split": "test", "sentences": [{"raw": "A kite."}, {"raw": "Kite in the sky."}]},
          {"filepath": "train2014", "filename": "t2.jpg", "split": "train", "sentences": [{"raw": "A dog."}]}
        ], "dataset": "coco"}
        """;

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(KarpathySplit.Train, new[] { "train2014/t1.jpg", "train2014/t2.jpg" })]
    [InlineData(KarpathySplit.Val, new[] { "val2014/v1.jpg" })]
    [InlineData(KarpathySplit.Test, new[] { "val2014/x1.jpg" })]
    [InlineData(KarpathySplit.Restval, new[] { "val2014/r1.jpg" })]
    [InlineData(KarpathySplit.TrainRestval, new[] { "train2014/t1.jpg", "val2014/r1.jpg", "train2014/t2.jpg" })]
    public void Load_Split_SelectsThatSplitsImagesInFileOrder(KarpathySplit split, string[] expected)
    {
        // Arrange
        string path = temp.Write("dataset_coco.json", Coco);

        // Act
        var dataset = KarpathyDataset.Load(path, split, "/coco");

        // Assert
        Assert.Equal(expected.Select(e => "/coco/" + e), Enumerable.Range(0, dataset.Count).Select(i => dataset[i].Image.FilePath));
        Assert.StartsWith("coco-karpathy-", dataset.Name);
    }

    [Fact]
    public void Load_TestSplit_CaptionsAreRawSentences()
    {
        string path = temp.Write("dataset_coco.json", Coco);

        var dataset = KarpathyDataset.Load(path, KarpathySplit.Test);

        Assert.Equal(["A kite.", "Kite in the sky."], dataset[0].Captions);
        Assert.Equal(temp.File("val2014/x1.jpg"), dataset[0].Image.FilePath);
        Assert.Equal("coco-karpathy-test", dataset.Name);
    }

    [Fact]
    public void Load_FlickrWithoutFilepath_JoinsRootAndFilename()
    {
        // Arrange
        string path = temp.Write("dataset_flickr30k.json",
            """{"images": [{"filename": "1000092795.jpg", "split": "test", "sentences": [{"raw": "Two young guys."}]}], "dataset": "flickr30k"}""");

        // Act
        var dataset = KarpathyDataset.Load(path, KarpathySplit.Test, "/f30k/images");

        // Assert
        Assert.Equal("/f30k/images/1000092795.jpg", dataset[0].Image.FilePath);
        Assert.Equal("flickr30k-karpathy-test", dataset.Name);
    }

    [Theory]
    [InlineData("""{"images": [{"filename": "a.jpg", "split": "dev", "sentences": [{"raw": "x"}]}]}""", 0, "split 'dev'")]
    [InlineData("""{"images": [{"filename": "a.jpg", "split": "test", "sentences": [{"raw": "x"}]}, {"filename": "b.jpg", "split": "test", "sentences": []}]}""", 1, "no \"sentences\"")]
    [InlineData("""{"images": [{"split": "test", "sentences": [{"raw": "x"}]}]}""", 0, "no \"filename\"")]
    [InlineData("""{"images": [{"filename": "a.jpg", "split": "test", "sentences": [{"tokens": []}]}]}""", 0, "sentence 0 has no \"raw\"")]
    public void Load_BadEntry_ThrowsNamingRecord(string json, long record, string problem)
    {
        // Arrange
        string path = temp.Write("d.json", json);

        // Act
        var ex = Assert.Throws<DatasetFormatException>(() => KarpathyDataset.Load(path, KarpathySplit.Test));

        // Assert
        Assert.Equal(record, ex.Record);
        Assert.Contains(problem, ex.Message);
        Assert.StartsWith(path, ex.Message);
    }

    [Fact]
    public void Load_TruncatedJson_ThrowsWithLine()
    {
        string path = temp.Write("d.json", "{\"images\": [\n{\"filename\": \"a.jpg\",\n\"split\": ");

        var ex = Assert.Throws<DatasetFormatException>(() => KarpathyDataset.Load(path, KarpathySplit.Test));

        Assert.Equal(3, ex.Line);
    }

    [Fact]
    public void Load_NoImagesArray_Throws()
    {
        string path = temp.Write("d.json", """{"dataset": "coco"}""");

        var ex = Assert.Throws<DatasetFormatException>(() => KarpathyDataset.Load(path, KarpathySplit.Test));

        Assert.Contains("no \"images\" array", ex.Message);
    }

    [Fact]
    public void Load_EmptySplit_Throws()
    {
        string path = temp.Write("d.json", """{"images": [{"filename": "a.jpg", "split": "train", "sentences": [{"raw": "x"}]}]}""");

        var ex = Assert.Throws<DatasetFormatException>(() => KarpathyDataset.Load(path, KarpathySplit.Val));

        Assert.Contains("no image has split val", ex.Message);
    }

    [Theory]
    [InlineData("train", true, KarpathySplit.Train)]
    [InlineData("TRAIN+restval", true, KarpathySplit.TrainRestval)]
    [InlineData("restval", true, KarpathySplit.Restval)]
    [InlineData("dev", false, KarpathySplit.Train)]
    public void TryParseSplit_Text_ParsesKnownNames(string text, bool ok, KarpathySplit expected)
    {
        bool parsed = KarpathyDataset.TryParseSplit(text, out KarpathySplit split);

        Assert.Equal(ok, parsed);
        Assert.Equal(expected, split);
    }
}
