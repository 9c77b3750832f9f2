using MultiModal.Encoders.Checkpoints;
using TorchSharp;

namespace MultiModal.Encoders.Tests.Checkpoints;

/// <summary>Writing: atomic replacement, cleanup on failure, argument validation, caller's tensors untouched.</summary>
public sealed class SafeTensorsWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("st-writer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] TempFiles() => Directory.GetFiles(_dir, "*.tmp-*");

    [Fact]
    public void Save_TensorFailsMidWrite_OldFileIntactAndNoTempFile()
    {
        var path = Path.Combine(_dir, "model.safetensors");
        File.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        using var good = torch.ones(4);
        // A meta tensor has a dtype and shape (so the header is built) but no data: copying it to the CPU throws
        // after the temp file has been created and partly written.
        using var meta = torch.empty(new long[] { 4 }, device: torch.META);

        var ex = Assert.Throws<System.Runtime.InteropServices.ExternalException>(() => SafeTensorsWriter.Save(path, new Dictionary<string, torch.Tensor> { ["a"] = good, ["b"] = meta }));

        Assert.Contains("Cannot copy out of meta tensor", ex.Message, StringComparison.Ordinal);

        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Empty(TempFiles());
    }

    [Fact]
    public void Save_DestinationIsDirectory_ThrowsAndLeavesNoTempFile()
    {
        var path = Path.Combine(_dir, "taken");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "keep.txt"), "x");
        using var t = torch.ones(2);

        Assert.ThrowsAny<IOException>(() => SafeTensorsWriter.Save(path, new Dictionary<string, torch.Tensor> { ["t"] = t }));

        Assert.Equal("x", File.ReadAllText(Path.Combine(path, "keep.txt")));
        Assert.Empty(TempFiles());
    }

    [Fact]
    public void Save_ExistingFile_ReplacedWithNewTensors()
    {
        var path = Path.Combine(_dir, "replace.safetensors");
        using var first = torch.zeros(3);
        using var second = torch.full(2, 5.0f);
        SafeTensorsWriter.Save(path, new Dictionary<string, torch.Tensor> { ["old"] = first });

        SafeTensorsWriter.Save(path, new Dictionary<string, torch.Tensor> { ["new"] = second });
        using var file = SafeTensorsFile.Open(path);
        using var read = file.ReadTensor("new");

        Assert.Equal(new[] { "new" }, file.Tensors.Keys);
        Assert.Equal(new[] { 5f, 5f }, read.data<float>().ToArray());
        Assert.Empty(TempFiles());
    }

    [Fact]
    public void Save_NonContiguousInput_WritesLogicalOrderAndKeepsCallerTensorAlive()
    {
        using var matrix = torch.arange(6, dtype: torch.ScalarType.Float32).reshape(2, 3);
        using var transposed = matrix.t(); // [3, 2], strides (1, 3)
        var path = Path.Combine(_dir, "transposed.safetensors");

        SafeTensorsWriter.Save(path, new[] { KeyValuePair.Create("t", transposed) });
        using var file = SafeTensorsFile.Open(path);
        using var read = file.ReadTensor("t");

        Assert.Equal(new long[] { 3, 2 }, read.shape);
        Assert.Equal(new[] { 0f, 3f, 1f, 4f, 2f, 5f }, read.data<float>().ToArray());
        Assert.Equal(5f, transposed[2, 1].item<float>()); // the writer disposed only its own copies
    }

    public static TheoryData<string, string> BadNames() => new()
    {
        { "", "null or empty" },
        { "__metadata__", "reserved for metadata" },
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public void Save_BadName_ThrowsArgumentException(string name, string problem)
    {
        using var t = torch.ones(1);

        var ex = Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Save(Path.Combine(_dir, "bad.safetensors"), new[] { KeyValuePair.Create(name, t) }));

        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Save_DuplicateName_ThrowsArgumentException()
    {
        using var t = torch.ones(1);

        var ex = Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Save(
            Path.Combine(_dir, "dup.safetensors"), new[] { KeyValuePair.Create("w", t), KeyValuePair.Create("w", t) }));

        Assert.Contains("'w' appears twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_UnsupportedDType_ThrowsNamingTensor()
    {
        using var complex = torch.zeros(2, dtype: torch.ScalarType.ComplexFloat32);

        var ex = Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Save(
            Path.Combine(_dir, "complex.safetensors"), new Dictionary<string, torch.Tensor> { ["z"] = complex }));

        Assert.Contains("Tensor 'z' has dtype ComplexFloat32", ex.Message, StringComparison.Ordinal);
    }
}
