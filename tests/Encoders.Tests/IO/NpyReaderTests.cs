using MultiModal.Encoders.IO;

namespace MultiModal.Encoders.Tests.IO;

public sealed class NpyReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-npyreader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ReadFloat32_InPieces_EqualsWholeRead()
    {
        // Arrange: 7 x 5 values read as 3 + 3 + 1 rows, the way mm index import streams a large file.
        var path = Path.Combine(_dir, "x.npy");
        var values = Enumerable.Range(0, 35).Select(i => i * 0.5f - 3f).ToArray();
        NpyFile.Write(path, values, [7, 5]);
        using var reader = NpyReader.Open(path);
        var pieces = new List<float>();

        // Act
        foreach (int rows in new[] { 3, 3, 1 })
        {
            var chunk = new float[rows * 5];
            reader.ReadFloat32(chunk);
            pieces.AddRange(chunk);
        }

        // Assert
        Assert.Equal("<f4", reader.Descr);
        Assert.Equal([7L, 5], reader.Shape);
        Assert.Equal(values, pieces);
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void ReadFloat32_PastTheEnd_ThrowsNamingFile()
    {
        var path = Path.Combine(_dir, "short.npy");
        NpyFile.Write(path, new float[] { 1, 2, 3 }, [3]);
        using var reader = NpyReader.Open(path);
        reader.ReadFloat32(new float[2]);

        var e = Assert.Throws<InvalidDataException>(() => reader.ReadFloat32(new float[2]));

        Assert.Contains(path, e.Message);
        Assert.Contains("1 remain", e.Message);
    }

    [Fact]
    public void ReadInt64_FromFloatFile_ThrowsNamingDtype()
    {
        var path = Path.Combine(_dir, "f.npy");
        NpyFile.Write(path, new float[] { 1, 2 }, [2]);
        using var reader = NpyReader.Open(path);

        var e = Assert.Throws<InvalidDataException>(() => reader.ReadInt64(new long[1]));

        Assert.Contains("'<f4'", e.Message);
    }

    [Fact]
    public void Open_HeaderLongerThanFile_ThrowsNamingFile()
    {
        // A version 2.0 header claiming 4 GB of header text.
        var path = Path.Combine(_dir, "h.npy");
        File.WriteAllBytes(path, [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x20]);

        var e = Assert.Throws<InvalidDataException>(() => NpyReader.Open(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("header length", e.Message);
    }
}
