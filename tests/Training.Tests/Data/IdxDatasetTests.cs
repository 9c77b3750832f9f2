using MultiModal.Encoders.Imaging;
using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Data;

public sealed class IdxDatasetTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_PlainOrGzip_ExposesLabelsAndExactGreyPixels(bool gzip)
    {
        // Arrange
        (byte[] pixels, byte[] labels) = TestFiles.IdxContent(count: 5, rows: 6, cols: 4, classes: 3);
        string images = temp.File("images-idx3-ubyte" + (gzip ? ".gz" : ""));
        string labelFile = temp.File("labels-idx1-ubyte" + (gzip ? ".gz" : ""));
        TestFiles.WriteIdx(images, [5, 6, 4], pixels, gzip);
        TestFiles.WriteIdx(labelFile, [5], labels, gzip);
        // A 4x6 image at size 4 is not resampled: ResizeAndCrop returns the centre 4x4 rows of the PIL "L" image as RGB.
        var preprocessor = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = 4 });

        // Act
        var dataset = IdxDataset.Load(images, labelFile, ["a", "b", "c"], "tiny");
        using Stream stream = dataset[3].Image.Open();
        byte[] rgb = preprocessor.ResizeAndCrop(stream, dataset[3].Image.Name);

        // Assert
        Assert.Equal(5, dataset.Count);
        Assert.Equal((4, 6), (dataset.ImageWidth, dataset.ImageHeight));
        Assert.Equal([0, 1, 2, 0, 1], Enumerable.Range(0, 5).Select(i => dataset[i].Label));
        Assert.Equal("tiny#3", dataset[3].Image.Name);
        for (int r = 0; r < 4; r++)
        {
            for (int c = 0; c < 4; c++)
            {
                byte expected = pixels[(3 * 6 + r + 1) * 4 + c]; // centre crop offset round((6 - 4) / 2) = 1 row
                Assert.Equal([expected, expected, expected], rgb.AsSpan((r * 4 + c) * 3, 3).ToArray());
            }
        }
    }

    [Fact]
    public void Load_NoClassNames_NamesClassesByDigit()
    {
        (byte[] pixels, byte[] labels) = TestFiles.IdxContent(4, 2, 2, classes: 4);
        TestFiles.WriteIdx(temp.File("i"), [4, 2, 2], pixels);
        TestFiles.WriteIdx(temp.File("l"), [4], labels);

        var dataset = IdxDataset.Load(temp.File("i"), temp.File("l"));

        Assert.Equal(["0", "1", "2", "3"], dataset.ClassNames);
    }

    public static TheoryData<string, Action<string>, string> BadImageFiles() => new()
    {
        { "bad magic", p => File.WriteAllBytes(p, [1, 0, 8, 3, 0, 0, 0, 1]), "bad IDX magic" },
        { "int type", p => TestFiles.WriteIdx(p, [2, 2, 2], new byte[8], type: 0x0C), "element type 0x0C" },
        { "two dims", p => TestFiles.WriteIdx(p, [2, 4], new byte[8]), "has 2 dimensions, expected 3" },
        { "truncated", p => TestFiles.WriteIdx(p, [2, 2, 2], new byte[7]), "declares 8 data bytes, the file holds 7" },
        { "trailing", p => TestFiles.WriteIdx(p, [2, 2, 2], new byte[9]), "trailing bytes" },
        { "zero dim", p => TestFiles.WriteIdx(p, [2, 0, 2], []), "dimension 1 is 0" },
        { "short header", p => File.WriteAllBytes(p, [0, 0, 8, 3, 0, 0]), "ends inside the IDX header" },
        { "corrupt gzip", p => File.WriteAllBytes(p, [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF]), "corrupt gzip" },
        { "huge", p => TestFiles.WriteIdx(p, [60000, 60000, 60000], []), "declares more than" },
    };

    [Theory]
    [MemberData(nameof(BadImageFiles))]
    public void Load_MalformedImagesFile_ThrowsNamingFileAndProblem(string scenario, Action<string> write, string problem)
    {
        // Arrange
        string images = temp.File(scenario.Replace(' ', '_'));
        write(images);
        TestFiles.WriteIdx(temp.File("labels"), [2], [0, 1]);

        // Act
        var ex = Assert.Throws<DatasetFormatException>(() => IdxDataset.Load(images, temp.File("labels")));

        // Assert
        Assert.Equal(images, ex.FilePath);
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void Load_CountMismatch_ThrowsNamingBothCounts()
    {
        TestFiles.WriteIdx(temp.File("i"), [3, 2, 2], new byte[12]);
        TestFiles.WriteIdx(temp.File("l"), [2], [0, 1]);

        var ex = Assert.Throws<DatasetFormatException>(() => IdxDataset.Load(temp.File("i"), temp.File("l")));

        Assert.Contains("2 labels for 3 images", ex.Message);
    }

    [Fact]
    public void Load_LabelWithoutClassName_ThrowsNamingRecord()
    {
        TestFiles.WriteIdx(temp.File("i"), [3, 2, 2], new byte[12]);
        TestFiles.WriteIdx(temp.File("l"), [3], [0, 1, 7]);

        var ex = Assert.Throws<DatasetFormatException>(() => IdxDataset.Load(temp.File("i"), temp.File("l"), ["a", "b"]));

        Assert.Equal(2, ex.Record);
        Assert.Contains("label 7", ex.Message);
    }

    [Fact]
    public void FashionMnistOpen_DebianLayout_UsesBuiltInClassNamesAndSplitFiles()
    {
        // Arrange: the four files as Debian's dataset-fashion-mnist names them, tiny.
        (byte[] pixels, byte[] labels) = TestFiles.IdxContent(3, 28, 28, 10);
        TestFiles.WriteIdx(temp.File("t10k-images-idx3-ubyte.gz"), [3, 28, 28], pixels, gzip: true);
        TestFiles.WriteIdx(temp.File("t10k-labels-idx1-ubyte.gz"), [3], [9, 0, 7], gzip: true);
        TestFiles.WriteIdx(temp.File("train-images-idx3-ubyte"), [3, 28, 28], pixels);
        TestFiles.WriteIdx(temp.File("train-labels-idx1-ubyte"), [3], labels);

        // Act
        IdxDataset test = FashionMnist.Open(TrainTestSplit.Test, temp.Path);
        IdxDataset train = FashionMnist.Open(TrainTestSplit.Train, temp.Path);

        // Assert
        Assert.True(FashionMnist.IsAvailable(temp.Path));
        Assert.Equal("fashion-mnist-test", test.Name);
        Assert.Equal("Ankle boot", test.ClassNames[test[0].Label]);
        Assert.Equal("Sneaker", test.ClassNames[test[2].Label]);
        Assert.Equal(10, test.ClassNames.Count);
        Assert.Equal([0, 1, 2], Enumerable.Range(0, 3).Select(i => train[i].Label));
    }

    [Fact]
    public void FashionMnistOpen_MissingFiles_ExplainsTheDebianPackage()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.Open(TrainTestSplit.Train, temp.Path));

        Assert.False(FashionMnist.IsAvailable(temp.Path));
        Assert.Contains("dataset-fashion-mnist", ex.Message);
        Assert.Contains(FashionMnist.DebianDirectory, ex.Message);
    }
}
