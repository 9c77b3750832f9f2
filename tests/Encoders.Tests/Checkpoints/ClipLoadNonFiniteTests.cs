using MultiModal.Encoders.Checkpoints;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Tests.Checkpoints;

/// <summary>NaN/Inf weights are refused at load, naming the file and the tensor, unless the caller opts out.</summary>
public sealed class ClipLoadNonFiniteTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mm-nonfinite-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    public static TheoryData<ScalarType> FileTypes() => new() { ScalarType.Float32, ScalarType.Float16, ScalarType.BFloat16 };

    [Theory]
    [MemberData(nameof(FileTypes))]
    public void Load_ProjectionHoldingNaNAndInf_ThrowsNamingFileAndTensor(ScalarType fileType)
    {
        // Before the fix this loaded silently; the first sign was "Vector 0 holds NaN" in an index, or a JSON error.
        var weights = FixtureCopies.HfWithWeights(_dir, t => t["visual_projection.weight"] = FixtureCopies.WithNaNAndInf(t["visual_projection.weight"], fileType));

        var e = Assert.Throws<CheckpointFormatException>(() => ClipModel.Load(_dir));

        Assert.Equal(weights, e.FilePath);
        Assert.Contains(weights, e.Message);
        Assert.Contains("tensor 'visual_projection.weight' holds 3 NaN / 1 Inf values", e.Message);
        Assert.Contains("AllowNonFiniteWeights", e.Message);
    }

    [Fact]
    public void Load_AllowNonFiniteWeights_LoadsTheValuesAsTheyAre()
    {
        FixtureCopies.HfWithWeights(_dir, t => t["text_model.final_layer_norm.bias"] = FixtureCopies.WithNaNAndInf(t["text_model.final_layer_norm.bias"]));

        using var model = ClipModel.Load(_dir, new ClipLoadOptions { AllowNonFiniteWeights = true });

        using var bias = model.Network.state_dict()["text.ln_final.bias"].detach();
        Assert.Equal(3, bias.isnan().sum().item<long>());
        Assert.Equal(1, bias.isinf().sum().item<long>());
    }

    [Fact]
    public void MultimodalModelsLoad_NonFiniteWeights_RefusedUnlessAllowed()
    {
        var weights = FixtureCopies.HfWithWeights(_dir, t => t["logit_scale"] = tensor(float.NaN));

        var e = Assert.Throws<CheckpointFormatException>(() => MultimodalModels.Load(_dir));
        using var allowed = MultimodalModels.Load(_dir, new MultimodalLoadOptions { AllowNonFiniteWeights = true });

        Assert.Equal(weights, e.FilePath);
        Assert.Contains("tensor 'logit_scale' holds 1 NaN / 0 Inf values", e.Message);
        Assert.True(float.IsNaN(allowed.LogitScale));
    }
}
