using MultiModal.Encoders.IO;

namespace MultiModal.Encoders.Tests.IO;

public sealed class NpyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-npy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Fixture(string name) => Path.Combine(TestPaths.Fixtures, "npy", name);

    [Fact]
    public void ReadFloat32_NumpySaved_ValuesAndShape()
    {
        var (data, shape) = NpyFile.ReadFloat32(Fixture("f32_2x3.npy"));

        Assert.Equal([2L, 3], shape);
        Assert.Equal([-0.5f, -0.25f, 0f, 0.25f, 0.5f, 0.75f], data);
    }

    [Fact]
    public void ReadInt64_NumpySaved_Values()
    {
        var (data, shape) = NpyFile.ReadInt64(Fixture("i64_4.npy"));

        Assert.Equal([4L], shape);
        Assert.Equal([-1L, 0, 7, 1L << 40], data);
    }

    [Fact]
    public void Write_ThenRead_RoundTripsAndMatchesNumpyHeaderLayout()
    {
        var path = Path.Combine(_dir, "x.npy");
        float[] values = [1.5f, -2f, 3.25f, 0f, 9f, 1e-3f];

        NpyFile.Write(path, values, [3, 2]);
        var (data, shape) = NpyFile.ReadFloat32(path);

        Assert.Equal(values, data);
        Assert.Equal([3L, 2], shape);
        Assert.Equal(0, (10 + BitConverter.ToUInt16(File.ReadAllBytes(path), 8)) % 64); // numpy aligns data to 64 bytes
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void ReadFloat32_Truncated_NamesFileAndByteCounts()
    {
        var path = Path.Combine(_dir, "t.npy");
        var bytes = File.ReadAllBytes(Fixture("f32_2x3.npy"));
        File.WriteAllBytes(path, bytes[..^4]);

        var e = Assert.Throws<InvalidDataException>(() => NpyFile.ReadFloat32(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData("i64_4.npy", "holds int64 values ('<i8'), float32 ('<f4') needed")]
    [InlineData("f32_fortran.npy", "Fortran")]
    public void ReadFloat32_WrongKind_Explains(string file, string word)
    {
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.ReadFloat32(Fixture(file)));

        Assert.Contains(word, e.Message);
    }

    [Fact]
    public void ReadFloat32_NotNpy_BadMagic()
    {
        var path = Path.Combine(_dir, "n.npy");
        File.WriteAllText(path, "hello, world");

        var e = Assert.Throws<InvalidDataException>(() => NpyFile.ReadFloat32(path));

        Assert.Contains("magic", e.Message);
    }

    [Fact]
    public void Write_ShapeDisagreesWithData_Throws()
    {
        Assert.Throws<ArgumentException>(() => NpyFile.Write(Path.Combine(_dir, "s.npy"), new float[5], [2, 3]));
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
