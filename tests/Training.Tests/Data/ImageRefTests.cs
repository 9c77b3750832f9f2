using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Data;

public sealed class ImageRefTests
{
    [Fact]
    public void FromFile_Open_ReadsTheFileBytes()
    {
        // Arrange
        var path = Path.Combine(Path.GetTempPath(), $"imageref-{Guid.NewGuid():N}.bin");
        byte[] bytes = [1, 2, 3, 250];
        File.WriteAllBytes(path, bytes);
        try
        {
            var image = ImageRef.FromFile(path);

            // Act
            using var stream = image.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);

            // Assert
            Assert.Equal(bytes, copy.ToArray());
            Assert.Equal(path, image.Name);
            Assert.Equal(path, image.FilePath);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromFile_MissingFile_OpenThrowsFileNotFound()
    {
        var image = ImageRef.FromFile("/nonexistent/dir/missing.png");

        Assert.Throws<DirectoryNotFoundException>(() => image.Open());
    }

    [Fact]
    public async Task FromFile_FifoOrFolder_OpenRefusesAtOnceNamingWhatItIs()
    {
        // Before: a FIFO named *.jpg blocked the loader's worker for ever; a folder said "Access denied".
        var dir = Directory.CreateTempSubdirectory("imageref-").FullName;
        try
        {
            var fifo = Path.Combine(dir, "pipe.jpg");
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
            {
                await mkfifo.WaitForExitAsync();
            }

            var open = Task.Run(() => ImageRef.FromFile(fifo).Open());
            Assert.True(await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(30))) == open, "opening a FIFO blocked");
            var fifoError = await Assert.ThrowsAsync<MultiModal.Encoders.IO.NotARegularFileException>(() => open);
            var folderError = Assert.Throws<MultiModal.Encoders.IO.NotARegularFileException>(() => ImageRef.FromFile(dir).Open());

            Assert.Contains("is a FIFO (named pipe), not a regular file", fifoError.Message);
            Assert.Contains("is a folder, not a regular file", folderError.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
