using MultiModal.Encoders.Imaging;
using MultiModal.Encoders.IO;
using MultiModal.Encoders.Tests.IO;

namespace MultiModal.Encoders.Tests.Imaging;

/// <summary>
/// Hostile inputs (issue 10): things that are not files, headers that lie, and data built to exhaust memory or time.
/// Each must end quickly in an <see cref="ImageDecodeException"/> naming the input and the problem.
/// </summary>
public sealed class ImagePreprocessorHostileInputTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mm-hostile-").FullName;
    private readonly ImagePreprocessor small = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = 32 });

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private ImageDecodeException AssertDecodeFails(string path, string messagePart)
    {
        var ex = Assert.ThrowsAny<ImageDecodeException>(() => small.Preprocess(path));
        Assert.Equal(path, ex.SourceName);
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains(messagePart, ex.Message, StringComparison.Ordinal);
        return ex;
    }

    [Fact]
    public void Preprocess_Folder_SaysItIsAFolder()
    {
        var ex = AssertDecodeFails(dir, "is a folder, not a regular file");

        Assert.IsType<NotARegularFileException>(ex.InnerException);
    }

    [Fact]
    public void ResizeAndCrop_CharacterDevice_RefusedWithoutReading()
    {
        // /dev/zero would otherwise be read until MaxFileBytes.
        var ex = Assert.Throws<ImageDecodeException>(() => small.ResizeAndCrop("/dev/zero"));

        Assert.Equal("/dev/zero: is a character device, not a regular file", ex.Message);
    }

    [Fact]
    public async Task Preprocess_FifoNamedJpg_FailsAtOnceInsteadOfBlocking()
    {
        string path = Path.Combine(dir, "photo.jpg");
        RegularFileTests.MakeFifo(path);

        var run = Task.Run(() => small.Preprocess(path));
        bool finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10))) == run;
        if (!finished)
        {
            // Release the reader blocked in open(2) so the test process can end.
            using var writer = new FileStream(path, FileMode.Open, FileAccess.Write);
        }

        Assert.True(finished, "opening a FIFO named photo.jpg blocked");
        var ex = await Assert.ThrowsAsync<ImageDecodeException>(() => run);
        Assert.Equal(path, ex.SourceName);
        Assert.Contains("photo.jpg: is a FIFO (named pipe), not a regular file", ex.Message);
    }

    [Fact]
    public void Preprocess_MissingFile_SaysNoSuchFile() =>
        AssertDecodeFails(Path.Combine(dir, "nope.jpg"), "cannot open the file: no such file");

    [Theory]
    [InlineData(0xFFFFFFFFu, 0xFFFFFFFFu, "4294967295x4294967295")]
    [InlineData(0x80000000u, 1u, "2147483648x1")]
    [InlineData(0u, 16u, "0x16")]
    public void Preprocess_PngHeaderWithImpossibleSize_NamesTheDeclaredNumbers(uint width, uint height, string declared)
    {
        string path = Write("liar.png", PngBytes.File(
            PngBytes.Chunk("IHDR", PngBytes.Header(width, height, bitDepth: 8, colorType: 2)),
            PngBytes.Chunk("IDAT", PngBytes.Zlib([])),
            PngBytes.Chunk("IEND", [])));

        var ex = AssertDecodeFails(path, $"PNG header declares {declared} pixels");

        Assert.Contains("1 to 2^31-1", ex.Message);
        Assert.IsNotType<ImageTooLargeException>(ex);
    }
}
