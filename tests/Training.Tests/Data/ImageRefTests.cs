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
}
