using MultiModal.Encoders.Tests.Models;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Tests.Checkpoints;

/// <summary>Load warnings: an all-zero projection loads, but the caller's Warn callback hears about it.</summary>
public sealed class ClipLoadWarningTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mm-warn-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Load_AllZeroProjections_WarnsOncePerProjectionNamingFileAndTensor()
    {
        // Before, this loaded in silence; every embedding was then the zero vector, and NaN once normalised.
        var weights = FixtureCopies.HfWithWeights(_dir, t =>
        {
            t["visual_projection.weight"] = zeros_like(t["visual_projection.weight"]);
            t["text_projection.weight"] = zeros_like(t["text_projection.weight"]).neg(); // -0.0 is zero too
        });
        var warnings = new List<string>();

        using var model = ClipModel.Load(_dir, new ClipLoadOptions { Warn = warnings.Add });

        Assert.Equal(2, warnings.Count);
        Assert.StartsWith($"{weights}: visual_projection.weight is all zeros, so every image embedding is the zero vector", warnings[0]);
        Assert.StartsWith($"{weights}: text_projection.weight is all zeros, so every text embedding is the zero vector", warnings[1]);
        Assert.Contains("NaN", warnings[0]);
    }

    [Fact]
    public void Load_ProjectionWithOneNonZeroValue_DoesNotWarn()
    {
        FixtureCopies.HfWithWeights(_dir, t =>
        {
            var projection = zeros_like(t["visual_projection.weight"]);
            projection[3, 5] = tensor(1e-30f);
            t["visual_projection.weight"] = projection;
        });
        var warnings = new List<string>();

        using var model = ClipModel.Load(_dir, new ClipLoadOptions { Warn = warnings.Add });

        Assert.Empty(warnings);
    }

    [Fact]
    public void Load_ReferenceModels_DoNotWarn()
    {
        var warnings = new List<string>();
        var options = new ClipLoadOptions { Warn = warnings.Add, TokenizerPath = TestPaths.ClipVocabulary };

        using (ClipModel.Load(ClipReference.ModelDir("tiny-gelu-hf"), options))
        using (ClipModel.Load(ClipReference.ModelDir("tiny-quickgelu-openclip"), options))
        {
        }

        Assert.Empty(warnings);
    }

    [Fact]
    public void MultimodalModelsLoad_AllZeroProjection_PassesTheWarningOn()
    {
        var weights = FixtureCopies.HfWithWeights(_dir, t => t["text_projection.weight"] = zeros_like(t["text_projection.weight"]));
        var warnings = new List<string>();

        using var model = MultimodalModels.Load(_dir, new MultimodalLoadOptions { Warn = warnings.Add });

        var warning = Assert.Single(warnings);
        Assert.StartsWith($"{weights}: text_projection.weight is all zeros", warning);
    }
}
