using MultiModal.Encoders.Checkpoints;
using TorchSharp;

namespace MultiModal.Encoders.Tests.Checkpoints;

/// <summary><see cref="SafeTensorsReadOptions.RejectNonFinite"/>: NaN/Inf in float tensors are named with their counts.</summary>
public sealed class SafeTensorsNonFiniteTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("st-nonfinite-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<torch.ScalarType> FloatTypes() => new()
    {
        torch.ScalarType.Float64, torch.ScalarType.Float32, torch.ScalarType.Float16, torch.ScalarType.BFloat16,
    };

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void ReadTensor_RejectNonFinite_NamesTensorAndCounts(torch.ScalarType type)
    {
        var path = Write(type, float.NaN, 1f, float.NaN, float.PositiveInfinity, 2f, float.NaN);
        using var file = SafeTensorsFile.Open(path, new SafeTensorsReadOptions { RejectNonFinite = true });

        var e = Assert.Throws<CheckpointFormatException>(() => file.ReadTensor("visual.proj"));

        Assert.Equal(path, e.FilePath);
        Assert.Contains("tensor 'visual.proj' holds 3 NaN / 1 Inf values", e.Message);
    }

    [Fact]
    public void ReadTensor_RejectNonFiniteInSmallChunks_CountsAcrossChunks()
    {
        // 8-byte chunks: two F32 values per read call, so the bad values fall in different chunks.
        var path = Write(torch.ScalarType.Float32, float.NaN, 1f, 2f, float.NegativeInfinity, 3f, float.NaN);
        using var file = SafeTensorsFile.Open(path, new SafeTensorsReadOptions { RejectNonFinite = true, ReadChunkBytes = 8 });

        var e = Assert.Throws<CheckpointFormatException>(() => file.ReadTensor("visual.proj"));

        Assert.Contains("2 NaN / 1 Inf", e.Problem);
    }

    [Fact]
    public void ReadTensor_DefaultOptions_ReadsNonFiniteValuesAsTheyAre()
    {
        var path = Write(torch.ScalarType.Float32, float.NaN, float.PositiveInfinity);
        using var file = SafeTensorsFile.Open(path);

        using var t = file.ReadTensor("visual.proj");

        Assert.True(float.IsNaN(t.data<float>()[0]));
        Assert.True(float.IsPositiveInfinity(t.data<float>()[1]));
    }

    [Fact]
    public void ReadTensor_RejectNonFiniteOnFiniteAndIntegerTensors_Reads()
    {
        var path = Path.Combine(_dir, "ok.safetensors");
        using (var scope = torch.NewDisposeScope())
        {
            SafeTensorsWriter.Save(path, new Dictionary<string, torch.Tensor>
            {
                ["w"] = torch.tensor(new[] { float.MaxValue, -0f, 1e-42f }),
                ["ids"] = torch.tensor(new[] { -1L, long.MaxValue }),
            });
        }
        using var file = SafeTensorsFile.Open(path, new SafeTensorsReadOptions { RejectNonFinite = true });

        using var w = file.ReadTensor("w");
        using var ids = file.ReadTensor("ids");

        Assert.Equal(float.MaxValue, w.data<float>()[0]);
        Assert.Equal(long.MaxValue, ids.data<long>()[1]);
    }

    private string Write(torch.ScalarType type, params float[] values)
    {
        var path = Path.Combine(_dir, $"{type}.safetensors");
        using var scope = torch.NewDisposeScope();
        SafeTensorsWriter.Save(path, new Dictionary<string, torch.Tensor> { ["visual.proj"] = torch.tensor(values).to_type(type) });
        return path;
    }
}
