using MultiModal.Index.Flat;

namespace MultiModal.Cli.Tests;

/// <summary>
/// <c>mm demo</c> over a generated Fashion-MNIST-shaped test split (IDX files) with the tiny fixture CLIP: every stage
/// runs and writes its outputs, and a re-run reuses the embeddings. (The real run uses Debian's data and the default
/// model; see the README.)
/// </summary>
public sealed class DemoCommandTests : CliTestBase, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-demo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>t10k IDX files: 20 grey 28x28 images, labels i mod 10.</summary>
    private string WriteData()
    {
        var data = Path.Combine(_dir, "data");
        Directory.CreateDirectory(data);
        var pixels = new byte[20 * 28 * 28];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)((i * 37 + i / 784 * 11) % 256);
        }
        WriteIdx(Path.Combine(data, "t10k-images-idx3-ubyte"), [20, 28, 28], pixels);
        WriteIdx(Path.Combine(data, "t10k-labels-idx1-ubyte"), [20], Enumerable.Range(0, 20).Select(i => (byte)(i % 10)).ToArray());
        return data;
    }

    [Fact]
    public void Demo_TinyModel_IndexesSearchesAndScores_ThenReusesEmbeddings()
    {
        // Arrange
        var data = WriteData();
        var output = Path.Combine(_dir, "out");

        // Act
        var first = Run("demo", "--model", HfModel, "--data", data, "--out", output, "--limit", "20", "-k", "3");
        var second = Run("demo", "--model", HfModel, "--data", data, "--out", output, "--limit", "20", "-k", "3");

        // Assert
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("20 of 20 images", first.Stdout);
        Assert.Contains("\"a photo of a sneaker\"", first.Stdout);
        Assert.Contains("| all | all 10 classes |", first.Stdout);
        Assert.Equal(20, Directory.GetFiles(Path.Combine(output, "images"), "*.png").Length);
        Assert.True(File.Exists(Path.Combine(output, "images", "00009-ankle-boot.png")));
        using (var index = FlatIndex.Load(Path.Combine(output, "index")))
        {
            Assert.Equal(20, index.Count);
            Assert.True(index.TryGetMetadata(3, out var path));
            Assert.Equal(Path.Combine(output, "images", "00003-dress.png"), path);
        }
        Assert.True(File.Exists(Path.Combine(output, "zeroshot.json")));
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("reusing", second.Stderr);
        Assert.Contains("20 already in", second.Stderr);
        // Same embeddings, same searches and scores.
        Assert.Equal(first.Stdout, second.Stdout);
    }

    [Fact]
    public void Demo_CorruptLabels_ExitsOneNamingTheFile()
    {
        var data = WriteData();
        var labels = Path.Combine(data, "t10k-labels-idx1-ubyte");
        File.WriteAllBytes(labels, [1, 2, 3, 4, 5, 6, 7]); // not an IDX header

        var result = Run("demo", "--model", HfModel, "--data", data, "--out", Path.Combine(_dir, "o"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(labels, result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void Demo_MissingData_ExitsOneSayingHowToInstall()
    {
        var result = Run("demo", "--model", HfModel, "--data", Path.Combine(_dir, "none"), "--out", Path.Combine(_dir, "o"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("dataset-fashion-mnist", result.Stderr);
    }
}
