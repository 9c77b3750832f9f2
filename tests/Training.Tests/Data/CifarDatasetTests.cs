using MultiModal.Training.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MultiModal.Training.Tests.Data;

public sealed class CifarDatasetTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Load_Cifar10Train_ConcatenatesFiveBatchesWithLabelsAndNames()
    {
        // Arrange
        TestFiles.WriteCifar10(temp.File("cifar-10-batches-bin"));

        // Act: the parent folder is accepted too.
        var dataset = CifarDataset.Load(temp.Path, CifarVariant.Cifar10, TrainTestSplit.Train);

        // Assert
        Assert.Equal(10, dataset.Count);
        Assert.Equal(Enumerable.Range(0, 10), Enumerable.Range(0, 10).Select(i => dataset[i].Label));
        Assert.Equal("truck", dataset.ClassNames[9]);
        Assert.Equal(10, dataset.ClassNames.Count);
        Assert.Equal("cifar10-train", dataset.Name);
    }

    [Fact]
    public void Load_Cifar10Test_ImageIsRgbPngOfTheChwPlanes()
    {
        // Arrange
        string dir = temp.File("c10");
        TestFiles.WriteCifar10(dir);

        // Act
        var dataset = CifarDataset.Load(dir, CifarVariant.Cifar10, TrainTestSplit.Test);
        using Stream stream = dataset[1].Image.Open();
        using var image = Image.Load<Rgb24>(stream);

        // Assert: record 101 of the generator, pixel p of channel ch = (101 * 13 + ch * 50 + p) mod 256.
        Assert.Equal([9, 0, 5], Enumerable.Range(0, 3).Select(i => dataset[i].Label));
        Assert.Equal((32, 32), (image.Width, image.Height));
        foreach (int p in new[] { 0, 1, 31, 32, 500, 1023 })
        {
            Rgb24 px = image[p % 32, p / 32];
            Assert.Equal(((101 * 13 + p) % 256, (101 * 13 + 50 + p) % 256, (101 * 13 + 100 + p) % 256), (px.R, px.G, px.B));
        }
    }

    [Fact]
    public void Load_Cifar100_UsesFineLabelAndFineNames()
    {
        // Arrange
        string dir = temp.File("cifar-100-binary");
        Directory.CreateDirectory(dir);
        File.WriteAllLines(Path.Combine(dir, "fine_label_names.txt"), Enumerable.Range(0, 100).Select(i => $"fine{i}"));
        File.WriteAllBytes(Path.Combine(dir, "test.bin"), TestFiles.CifarRecords(0, [[3, 42], [19, 99]]));

        // Act
        var dataset = CifarDataset.Load(temp.Path, CifarVariant.Cifar100, TrainTestSplit.Test);

        // Assert
        Assert.Equal([42, 99], Enumerable.Range(0, 2).Select(i => dataset[i].Label));
        Assert.Equal("fine42", dataset.ClassNames[dataset[0].Label]);
        Assert.Equal("cifar100-test", dataset.Name);
    }

    [Fact]
    public void Load_TruncatedBatch_ThrowsNamingFileAndRecordSize()
    {
        string dir = temp.File("c10");
        TestFiles.WriteCifar10(dir);
        byte[] data = File.ReadAllBytes(Path.Combine(dir, "test_batch.bin"));
        File.WriteAllBytes(Path.Combine(dir, "test_batch.bin"), data[..^10]);

        var ex = Assert.Throws<DatasetFormatException>(() => CifarDataset.Load(dir, CifarVariant.Cifar10, TrainTestSplit.Test));

        Assert.EndsWith("test_batch.bin", ex.FilePath);
        Assert.Contains("3073-byte record", ex.Message);
    }

    [Fact]
    public void Load_LabelOutOfRange_ThrowsNamingRecord()
    {
        string dir = temp.File("c10");
        TestFiles.WriteCifar10(dir);
        File.WriteAllBytes(Path.Combine(dir, "test_batch.bin"), TestFiles.CifarRecords(0, [[1], [10]]));

        var ex = Assert.Throws<DatasetFormatException>(() => CifarDataset.Load(dir, CifarVariant.Cifar10, TrainTestSplit.Test));

        Assert.Equal(1, ex.Record);
        Assert.Contains("label 10", ex.Message);
    }

    [Fact]
    public void Load_WrongNameCount_Throws()
    {
        string dir = temp.File("c10");
        TestFiles.WriteCifar10(dir);
        File.WriteAllLines(Path.Combine(dir, "batches.meta.txt"), ["a", "b"]);

        var ex = Assert.Throws<DatasetFormatException>(() => CifarDataset.Load(dir, CifarVariant.Cifar10, TrainTestSplit.Test));

        Assert.Contains("2 class names, expected 10", ex.Message);
    }

    [Fact]
    public void Load_MissingBatch_ThrowsFileNotFound()
    {
        string dir = temp.File("c10");
        TestFiles.WriteCifar10(dir);
        File.Delete(Path.Combine(dir, "data_batch_4.bin"));

        var ex = Assert.Throws<FileNotFoundException>(() => CifarDataset.Load(dir, CifarVariant.Cifar10, TrainTestSplit.Train));

        Assert.Contains("data_batch_4.bin", ex.Message);
    }
}
