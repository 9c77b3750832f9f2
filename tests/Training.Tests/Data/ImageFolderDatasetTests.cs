using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Data;

public sealed class ImageFolderDatasetTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Load_ClassFolders_SortsClassesOrdinallyAndFilesLikeTorchvision()
    {
        // Arrange: ordinal order puts upper case first ("Zebra" < "apple").
        temp.Write("root/apple/b.jpg", "x");
        temp.Write("root/apple/a.PNG", "x");
        temp.Write("root/apple/notes.txt", "x");
        temp.Write("root/apple/sub/c.jpg", "x");
        temp.Write("root/apple/a2/d.jpg", "x");
        temp.Write("root/Zebra/z.webp", "x");
        temp.Write("root/.hidden/h.jpg", "x");
        temp.Write("root/loose.jpg", "x");

        // Act
        var dataset = ImageFolderDataset.Load(temp.File("root"));

        // Assert: os.walk order — the folder's own files, then subfolders by path.
        Assert.Equal(["Zebra", "apple"], dataset.ClassNames);
        string[] files = Enumerable.Range(0, dataset.Count).Select(i => Path.GetRelativePath(temp.File("root"), dataset[i].Image.FilePath!)).ToArray();
        Assert.Equal(["Zebra/z.webp", "apple/a.PNG", "apple/b.jpg", "apple/a2/d.jpg", "apple/sub/c.jpg"], files);
        Assert.Equal([0, 1, 1, 1, 1], Enumerable.Range(0, dataset.Count).Select(i => dataset[i].Label));
        Assert.Empty(dataset[0].Captions);
        Assert.Equal("root", dataset.Name);
    }

    [Fact]
    public void Load_LinkLoopAndFifoInAClass_EachImageOnceFifoLeftOut()
    {
        // Before: the loop was walked until the path grew too long, listing each image again at every level.
        temp.Write("root/cat/a.jpg", "x");
        temp.Write("root/cat/sub/b.jpg", "x");
        Directory.CreateSymbolicLink(temp.File("root/cat/sub/loop"), temp.File("root/cat"));
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", temp.File("root/cat/pipe.jpg")))
        {
            mkfifo.WaitForExit();
        }

        var dataset = ImageFolderDataset.Load(temp.File("root"));

        string[] files = Enumerable.Range(0, dataset.Count).Select(i => Path.GetRelativePath(temp.File("root"), dataset[i].Image.FilePath!)).ToArray();
        Assert.Equal(["cat/a.jpg", "cat/sub/b.jpg"], files);
    }

    [Fact]
    public void Load_EmptyClass_ThrowsNamingClass()
    {
        temp.Write("root/cat/a.jpg", "x");
        temp.Write("root/dog/readme.md", "x");

        var ex = Assert.Throws<DatasetFormatException>(() => ImageFolderDataset.Load(temp.File("root")));

        Assert.Contains("class 'dog' has no image", ex.Message);
    }

    [Fact]
    public void Load_EmptyClassAllowed_KeepsTheClassName()
    {
        temp.Write("root/cat/a.jpg", "x");
        Directory.CreateDirectory(temp.File("root/dog"));

        var dataset = ImageFolderDataset.Load(temp.File("root"), new ImageFolderOptions { AllowEmptyClasses = true });

        Assert.Equal(["cat", "dog"], dataset.ClassNames);
        Assert.Equal(1, dataset.Count);
    }

    [Fact]
    public void Load_CustomExtensions_FiltersFiles()
    {
        temp.Write("root/cat/a.jpg", "x");
        temp.Write("root/cat/b.tif", "x");

        var dataset = ImageFolderDataset.Load(temp.File("root"), new ImageFolderOptions { Extensions = [".TIF"] });

        Assert.Equal(1, dataset.Count);
        Assert.EndsWith("b.tif", dataset[0].Image.Name);
    }

    [Fact]
    public void Load_NoClassFolders_Throws()
    {
        temp.Write("root/a.jpg", "x");

        var ex = Assert.Throws<DatasetFormatException>(() => ImageFolderDataset.Load(temp.File("root")));

        Assert.Contains("no class folders", ex.Message);
    }

    [Fact]
    public void Load_MissingRoot_ThrowsDirectoryNotFound()
    {
        Assert.Throws<DirectoryNotFoundException>(() => ImageFolderDataset.Load(temp.File("nothing")));
    }

    [Fact]
    public void Validate_ExtensionWithoutDot_ThrowsNamingField()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ImageFolderOptions { Extensions = ["jpg"] }.Validate());

        Assert.Equal("Extensions", ex.ParamName);
    }
}
