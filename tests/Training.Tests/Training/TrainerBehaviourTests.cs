using MultiModal.Training.Config;
using MultiModal.Training.Tests.Helpers;
using static TorchSharp.torch;

namespace MultiModal.Training.Tests.Training;

public sealed class TrainerBehaviourTests
{
    [Fact]
    public void Run_DualHeadsOnSeparableClasses_LossFalls()
    {
        // Arrange
        var dir = TestConfigs.TempDir("falls");
        using var trainer = Trainer.Create(TestConfigs.Dual(dir, totalSteps: 30) with { CheckpointEvery = 0 }, TestConfigs.DualEnvironment());

        // Act
        var result = trainer.Run();

        // Assert: the mean of the last five steps is well below the first step's loss.
        Assert.Equal(30, result.Losses.Count);
        Assert.True(result.Losses.TakeLast(5).Average() < 0.8 * result.Losses[0], $"first {result.Losses[0]}, last {string.Join(", ", result.Losses.TakeLast(5))}");
        Assert.True(File.Exists(Path.Combine(dir, "final", "dual_encoder.json")));
        Assert.True(File.Exists(Path.Combine(dir, "final", "heads.safetensors")));
    }

    [Fact]
    public void Run_AccumulationTwoOfFour_EqualsOneStepOnBatchOfEight()
    {
        // Arrange: the same 8 samples (the shuffle does not depend on the batch size), one optimiser step each way.
        var big = TestConfigs.Dual(TestConfigs.TempDir("big"), totalSteps: 1, batchSize: 8) with { Schedule = new ScheduleSection { TotalSteps = 1 } };
        var accumulated = TestConfigs.Dual(TestConfigs.TempDir("acc"), totalSteps: 1, batchSize: 4, accumulation: 2) with { Schedule = new ScheduleSection { TotalSteps = 1 } };
        using var a = Trainer.Create(big, TestConfigs.DualEnvironment());
        using var b = Trainer.Create(accumulated, TestConfigs.DualEnvironment());

        // Act
        var lossA = a.Run().Losses[0];
        var lossB = b.Run().Losses[0];

        // Assert: the accumulated loss is the big batch's; the weights after the step agree to float rounding
        // (the big batch's matmuls sum in a different order than the spliced ones).
        Assert.Equal(lossA, lossB, 5);
        foreach (var (name, pa) in a.DualEncoder!.Heads.named_parameters())
        {
            var pb = b.DualEncoder!.Heads.named_parameters().Single(p => p.name == name).parameter;
            Assert.True(pa.allclose(pb, rtol: 1e-5, atol: 1e-6), $"{name} differs");
        }
    }

    [Fact]
    public void Run_ClipLitMode_ImageTowerUnchangedTextTowerTrained()
    {
        // Arrange
        var dir = TestConfigs.TempDir("lit");
        var config = TestConfigs.Clip(dir, TestConfigs.TinyClipArchitecture(dir), totalSteps: 2, mode: TrainingMode.Lit);
        using var trainer = Trainer.Create(config, TestConfigs.ClipEnvironment());
        var before = trainer.Network!.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

        // Act
        trainer.Run();

        // Assert
        var after = trainer.Network.state_dict();
        Assert.All(before.Where(kv => kv.Key.StartsWith("visual.", StringComparison.Ordinal)), kv => Assert.True(Same(kv.Value, after[kv.Key]), kv.Key));
        Assert.False(Same(before["text.text_projection"], after["text.text_projection"]));
        Assert.False(Same(before["text.token_embedding.weight"], after["text.token_embedding.weight"]));
    }

    [Fact]
    public void Run_ClipProjectionsMode_OnlyProjectionsAndScaleChange()
    {
        var dir = TestConfigs.TempDir("proj");
        var config = TestConfigs.Clip(dir, TestConfigs.TinyClipArchitecture(dir), totalSteps: 2, mode: TrainingMode.Projections);
        using var trainer = Trainer.Create(config, TestConfigs.ClipEnvironment());
        var before = trainer.Network!.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

        trainer.Run();

        var changed = trainer.Network.state_dict().Where(kv => !Same(before[kv.Key], kv.Value)).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["logit_scale", "text.text_projection", "visual.proj"], changed);
    }

    [Fact]
    public void Run_NaNPixels_ThrowsTrainingDivergedBeforeTheStep()
    {
        var dir = TestConfigs.TempDir("nan");
        var config = TestConfigs.Clip(dir, TestConfigs.TinyClipArchitecture(dir), totalSteps: 2);
        using var trainer = Trainer.Create(config, TestConfigs.ClipEnvironment(poison: true));
        var before = trainer.Network!.LogitScale.item<float>();

        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Run());

        Assert.Equal(0, e.Step);
        Assert.True(double.IsNaN(e.Loss));
        Assert.Contains("step 1", e.Message);
        Assert.Equal(before, trainer.Network.LogitScale.item<float>());
        Assert.DoesNotContain(trainer.Network.parameters(), p => p.isnan().any().item<bool>());
    }

    [Fact]
    public void Run_LogitScaleDrivenPastLnHundred_IsClampedAfterEachStep()
    {
        var dir = TestConfigs.TempDir("clamp");
        using var trainer = Trainer.Create(TestConfigs.Dual(dir, totalSteps: 2), TestConfigs.DualEnvironment());
        using (no_grad())
        {
            trainer.DualEncoder!.Heads.LogitScale.fill_(10.0);
        }

        trainer.Run();

        Assert.Equal(Math.Log(100), trainer.DualEncoder!.Heads.LogitScale.item<float>(), 5);
    }

    private static bool Same(Tensor a, Tensor b) => a.allclose(b, rtol: 0, atol: 0);
}
