using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Data;

public sealed class ManifestDatasetTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Load_Jsonl_ResolvesRelativePathsAndGroupsCaptionsByImage()
    {
        // Arrange
        string path = temp.Write("sub/m.jsonl", string.Join("\n",
            """{"image": "a.jpg", "caption": "a dog"}""",
            "",
            """{"image": "/abs/b.png", "captions": ["one", "two"], "extra": 5}""",
            """{"image": "./a.jpg", "caption": "the same dog"}""") + "\n");

        // Act
        var dataset = ManifestDataset.Load(path);

        // Assert
        Assert.Equal(2, dataset.Count);
        Assert.Equal(temp.File("sub/a.jpg"), dataset[0].Image.FilePath);
        Assert.Equal(["a dog", "the same dog"], dataset[0].Captions);
        Assert.Equal("/abs/b.png", dataset[1].Image.FilePath);
        Assert.Equal(["one", "two"], dataset[1].Captions);
        Assert.Equal(-1, dataset[1].Label);
        Assert.Null(dataset.ClassNames);
        Assert.Equal("m", dataset.Name);
    }

    [Theory]
    [InlineData("{\"image\": \"a.jpg\", \"caption\": \"x\"}\n{\"image\": \"b.jpg\", \"caption\": \"y\"", 2, "invalid JSON")]
    [InlineData("""{"caption": "x"}""", 1, "missing \"image\"")]
    [InlineData("""{"image": "a.jpg"}""", 1, "missing \"caption\"")]
    [InlineData("""{"image": "a.jpg", "caption": "x", "captions": ["y"]}""", 1, "both")]
    [InlineData("""{"image": "a.jpg", "captions": []}""", 1, "non-empty array")]
    [InlineData("""{"image": "a.jpg", "captions": ["ok", 3]}""", 1, "\"captions\"[1]")]
    [InlineData("\n\n[1, 2]", 3, "expected a JSON object")]
    [InlineData("""{"image": 7, "caption": "x"}""", 1, "\"image\" must be a non-blank string")]
    [InlineData("""{"image": "a.jpg", "caption": "  "}""", 1, "\"caption\" must be a non-blank string")]
    public void Load_MalformedJsonlLine_ThrowsNamingFileAndLine(string content, int line, string problem)
    {
        // Arrange
        string path = temp.Write("bad.jsonl", content);

        // Act
        var ex = Assert.Throws<DatasetFormatException>(() => ManifestDataset.Load(path));

        // Assert
        Assert.Equal(path, ex.FilePath);
        Assert.Equal(line, ex.Line);
        Assert.StartsWith($"{path}:{line}: ", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void Load_CsvWithRfc4180Quoting_ParsesQuotedDelimitersQuotesAndNewlines()
    {
        // Arrange
        string path = temp.Write("m.csv",
            "id,Image,caption\r\n"
            + "1,x.jpg,\"a cat, sitting\"\r\n"
            + "2,\"y.jpg\",\"she said \"\"hi\"\"\"\r\n"
            + "3,z.jpg,\"two\nlines\"\r\n"
            + "\r\n"
            + "4,x.jpg,plain second caption");

        // Act
        var dataset = ManifestDataset.Load(path);

        // Assert
        Assert.Equal(3, dataset.Count);
        Assert.Equal(["a cat, sitting", "plain second caption"], dataset[0].Captions);
        Assert.Equal(["she said \"hi\""], dataset[1].Captions);
        Assert.Equal(["two\nlines"], dataset[2].Captions);
        Assert.Equal(temp.File("z.jpg"), dataset[2].Image.FilePath);
    }

    [Fact]
    public void Load_CsvWithCaptionSeparator_SplitsCellIntoCaptions()
    {
        // Arrange
        string path = temp.Write("m.csv", "image,caption\na.jpg,first | second||\n");
        var options = new ManifestOptions { CaptionSeparator = "|" };

        // Act
        var dataset = ManifestDataset.Load(path, options);

        // Assert
        Assert.Equal(["first ", " second"], dataset[0].Captions);
    }

    [Fact]
    public void Load_TsvAndCustomColumnsAndImageRoot_UsesThem()
    {
        // Arrange
        string path = temp.Write("m.tsv", "filepath\ttitle\nimg/a.jpg\ta, b\n");
        var options = new ManifestOptions { ImageColumn = "filepath", CaptionColumn = "title", ImageRoot = "/data/root" };

        // Act
        var dataset = ManifestDataset.Load(path, options);

        // Assert
        Assert.Equal("/data/root/img/a.jpg", dataset[0].Image.FilePath);
        Assert.Equal(["a, b"], dataset[0].Captions);
    }

    [Theory]
    [InlineData("image,caption\na.jpg,\"open quote\nstill open", 2, "unterminated quoted field")]
    [InlineData("image,caption\na.jpg,x\nb.jpg,y,z\n", 3, "3 fields, but the header has 2")]
    [InlineData("image,caption\na.jpg,say \"hi\"\n", 2, "quote inside an unquoted field")]
    [InlineData("image,caption\na.jpg,\"hi\"x\n", 2, "after a closing quote")]
    [InlineData("image,text\na.jpg,x\n", 1, "no column 'caption'")]
    [InlineData("image,caption,Image\na.jpg,x,y\n", 1, "twice")]
    [InlineData("image,caption\n,x\n", 2, "column 'image' is empty")]
    [InlineData("image,caption\n\"a\nb.jpg\",x\nc.jpg,\n", 4, "column 'caption' is empty")]
    public void Load_MalformedCsv_ThrowsNamingFileAndLine(string content, int line, string problem)
    {
        // Arrange
        string path = temp.Write("bad.csv", content);

        // Act
        var ex = Assert.Throws<DatasetFormatException>(() => ManifestDataset.Load(path));

        // Assert
        Assert.Equal(line, ex.Line);
        Assert.StartsWith($"{path}:{line}: ", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void Load_HeaderOnly_ThrowsNoImages()
    {
        string path = temp.Write("empty.csv", "image,caption\n");

        var ex = Assert.Throws<DatasetFormatException>(() => ManifestDataset.Load(path));

        Assert.Contains("lists no images", ex.Message);
    }

    [Fact]
    public void Load_VerifyImagesExistWithMissingImage_ThrowsNamingLineAndPath()
    {
        // Arrange
        File.WriteAllBytes(temp.File("there.jpg"), [1]);
        string path = temp.Write("m.jsonl", """{"image": "there.jpg", "caption": "x"}""" + "\n" + """{"image": "gone.jpg", "caption": "y"}""");

        // Act
        var ex = Assert.Throws<DatasetFormatException>(() => ManifestDataset.Load(path, new ManifestOptions { VerifyImagesExist = true }));

        // Assert
        Assert.Equal(2, ex.Line);
        Assert.Contains(temp.File("gone.jpg"), ex.Message);
    }

    [Fact]
    public void Load_UnknownExtension_ThrowsArgumentException()
    {
        string path = temp.Write("m.txt", "image,caption\n");

        var ex = Assert.Throws<ArgumentException>(() => ManifestDataset.Load(path));

        Assert.Contains(".txt", ex.Message);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => ManifestDataset.Load(temp.File("none.jsonl")));
    }

    [Fact]
    public void Validate_QuoteDelimiter_ThrowsNamingField()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ManifestOptions { Delimiter = '"' }.Validate());

        Assert.Equal("Delimiter", ex.ParamName);
    }
}
