using MultiModal.Encoders.Checkpoints;
using MultiModal.Encoders.Dual;
using MultiModal.Training.Checkpointing;
using MultiModal.Training.Config;
using MultiModal.Training.Optim;
using MultiModal.Training.Tests.Helpers;
using static TorchSharp.torch;

namespace MultiModal.Training.Tests.Checkpointing;

/// <summary>Resuming from a checkpoint: the weights are checked against the model from the header before any is read.</summary>
[Collection(GlobalGeneratorCollection.Name)]
public sealed class TrainingCheckpointLoadTests : IDisposable
{
    private readonly Tensor _generator = random.get_rng_state();

    /// <summary>Leaves the global generator as the test found it.</summary>
    public void Dispose()
    {
        random.set_rng_state(_generator);
        _generator.Dispose();
    }

    private static readonly TrainingState State = new(Step: 3, Epoch: 0, BatchIndex: 3, SamplesSeen: 24, TotalSteps: 10, WarmupSteps: 1);

    [Fact]
    public void Load_CheckpointOfOtherWidths_ThrowsMismatchListingTheTensorsAndLeavesTheModelUntouched()
    {
        // Arrange: a checkpoint of 5/7 → 4 heads, resumed into 6/7 → 4 heads.
        var checkpoint = SaveCheckpoint(DualProjectionHeads.Create(5, 7, 4, seed: 1));
        using var other = DualProjectionHeads.Create(6, 7, 4, seed: 2);
        using var optimizer = Optimizer(other);
        using var textBefore = other.TextProjection.detach().clone();

        // Act
        var e = Assert.Throws<CheckpointMismatchException>(() => TrainingCheckpoint.Load(checkpoint, other, optimizer));

        // Assert: every problem from the header, and text_projection (which fits) was not copied either.
        Assert.Equal(Path.Combine(checkpoint, TrainingCheckpoint.ModelFile), e.FilePath);
        Assert.Equal(["image_projection: file [5, 4] vs model [6, 4]"], e.Misshaped);
        Assert.True(other.TextProjection.equal(textBefore).all().item<bool>());
    }

    [Fact]
    public void Load_MatchingCheckpoint_RestoresTheWeights()
    {
        using var saved = DualProjectionHeads.Create(5, 7, 4, seed: 1);
        var checkpoint = SaveCheckpoint(saved);
        using var fresh = DualProjectionHeads.Create(5, 7, 4, seed: 2);
        using var optimizer = Optimizer(fresh);

        var state = TrainingCheckpoint.Load(checkpoint, fresh, optimizer);

        Assert.Equal(State, state);
        Assert.True(fresh.ImageProjection.equal(saved.ImageProjection).all().item<bool>());
        Assert.True(fresh.LogitScale.equal(saved.LogitScale).all().item<bool>());
    }

    [Theory]
    [InlineData(TrainingCheckpoint.ModelFile, "text_projection")]
    [InlineData(TrainingCheckpoint.OptimizerFile, "exp_avg/text_projection")]
    public void Load_NonFiniteTensor_ThrowsNamingFileAndTensor(string fileName, string tensorName)
    {
        // Before the fix a diverged checkpoint resumed silently and the run diverged again, far from the cause.
        var checkpoint = SaveCheckpoint(DualProjectionHeads.Create(5, 7, 4, seed: 1));
        var path = Path.Combine(checkpoint, fileName);
        Poison(path, tensorName);
        using var heads = DualProjectionHeads.Create(5, 7, 4, seed: 2);
        using var optimizer = Optimizer(heads);

        var e = Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Load(checkpoint, heads, optimizer));

        Assert.Equal(path, e.FilePath);
        Assert.Contains($"tensor '{tensorName}' holds 3 NaN / 1 Inf values", e.Message);
    }

    [Fact]
    public void Load_NonFiniteTensorAllowed_RestoresItAsItIs()
    {
        var checkpoint = SaveCheckpoint(DualProjectionHeads.Create(5, 7, 4, seed: 1));
        Poison(Path.Combine(checkpoint, TrainingCheckpoint.ModelFile), "text_projection");
        using var heads = DualProjectionHeads.Create(5, 7, 4, seed: 2);
        using var optimizer = Optimizer(heads);

        TrainingCheckpoint.Load(checkpoint, heads, optimizer, allowNonFinite: true);

        Assert.Equal(3, heads.TextProjection.isnan().sum().item<long>());
    }

    /// <summary>Sets elements 0, 5 and 7 of <paramref name="name"/> in <paramref name="path"/> to NaN and element 9 to +∞.</summary>
    private static void Poison(string path, string name)
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>();
        using (var file = SafeTensorsFile.Open(path))
        {
            foreach (var key in file.Tensors.Keys)
            {
                tensors[key] = file.ReadTensor(key);
            }
        }
        var values = tensors[name].data<float>().ToArray();
        values[0] = values[5] = values[7] = float.NaN;
        values[9] = float.PositiveInfinity;
        tensors[name] = tensor(values, tensors[name].shape);
        SafeTensorsWriter.Save(path, tensors);
    }

    internal static TrainingOptimizer Optimizer(DualProjectionHeads heads) =>
        new(heads.named_parameters().Select(p => (p.name, p.parameter)).ToList(), new OptimizerSection());

    /// <summary>Saves a step-3 checkpoint of <paramref name="heads"/> (disposed unless the caller keeps using it) and returns its folder.</summary>
    internal static string SaveCheckpoint(DualProjectionHeads heads)
    {
        using var optimizer = Optimizer(heads);
        return TrainingCheckpoint.Save(TestConfigs.TempDir("ckpt"), State, heads, optimizer);
    }
}
