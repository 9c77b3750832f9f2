using MultiModal.Encoders.Checkpoints;
using MultiModal.Training.Config;
using MultiModal.Training.Logging;
using MultiModal.Training.Tests.Helpers;
using static TorchSharp.torch;

namespace MultiModal.Training.Tests.Training;

public sealed class TrainerResumeTests
{
    [Fact]
    public void Resume_DualAfterCancellation_ContinuesToTheUninterruptedLosses()
    {
        // Arrange: 32 samples / batch 8 = 4 batches per epoch; 7 steps cross an epoch boundary.
        var straightDir = TestConfigs.TempDir("straight");
        var splitDir = TestConfigs.TempDir("split");
        float[] straight;
        using (var trainer = Trainer.Create(TestConfigs.Dual(straightDir, totalSteps: 7), TestConfigs.DualEnvironment()))
        {
            straight = [.. trainer.Run().Losses];
        }

        // Act: cancel after step 3 (a checkpoint is written on cancellation), perturb the global generator, resume.
        using var cts = new CancellationTokenSource();
        var cancelAfter3 = new SynchronousProgress(p => { if (p.Phase == TrainingPhase.Training && p.Done == 3) { cts.Cancel(); } });
        float[] firstPart;
        using (var trainer = Trainer.Create(TestConfigs.Dual(splitDir, totalSteps: 7), TestConfigs.DualEnvironment()))
        {
            Assert.Throws<OperationCanceledException>(() => trainer.Run(cancelAfter3, cts.Token));
        }
        random.manual_seed(12345);
        TrainingResult rest;
        using (var resumed = Trainer.Resume(splitDir, TestConfigs.DualEnvironment()))
        {
            firstPart = ReadLosses(splitDir);
            rest = resumed.Run();
        }

        // Assert: same arithmetic on the same data in the same order, one thread: bit-identical.
        Assert.Equal(7, straight.Length);
        Assert.Equal(3, rest.FirstStep);
        Assert.Equal(straight[..3], firstPart);
        Assert.Equal(straight[3..], rest.Losses.ToArray());
        Assert.True(Directory.Exists(Path.Combine(splitDir, "checkpoints", "step-00000003")));
    }

    [Fact]
    public void Resume_ClipFullModeFromPeriodicCheckpoint_ContinuesToTheUninterruptedLosses()
    {
        // Arrange: tiny CLIP, 5 steps over 3-batch epochs; checkpoints every 2 steps.
        var dir = TestConfigs.TempDir("clip-resume");
        var architecture = TestConfigs.TinyClipArchitecture(dir);
        float[] straight;
        using (var trainer = Trainer.Create(TestConfigs.Clip(Path.Combine(dir, "a"), architecture, totalSteps: 5), TestConfigs.ClipEnvironment()))
        {
            straight = [.. trainer.Run().Losses];
        }
        var splitDir = Path.Combine(dir, "b");
        using (var trainer = Trainer.Create(TestConfigs.Clip(splitDir, architecture, totalSteps: 5), TestConfigs.ClipEnvironment()))
        {
            trainer.Run();
        }
        // Keep only the step-2 checkpoint, as if the process had died during step 3.
        foreach (var later in new[] { "step-00000004", "step-00000005" })
        {
            Directory.Delete(Path.Combine(splitDir, "checkpoints", later), recursive: true);
        }
        random.manual_seed(777);

        // Act
        TrainingResult rest;
        using (var resumed = Trainer.Resume(splitDir, TestConfigs.ClipEnvironment()))
        {
            rest = resumed.Run();
        }

        // Assert
        Assert.Equal(2, rest.FirstStep);
        Assert.Equal(straight[2..], rest.Losses.ToArray());
    }

    [Fact]
    public void Resume_TruncatedModelFile_ThrowsCheckpointFormatExceptionNamingTheFile()
    {
        // Arrange
        var dir = TestConfigs.TempDir("corrupt");
        using (var trainer = Trainer.Create(TestConfigs.Dual(dir, totalSteps: 2), TestConfigs.DualEnvironment()))
        {
            trainer.Run();
        }
        var model = Path.Combine(dir, "checkpoints", "step-00000002", "model.safetensors");
        var bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);

        // Act
        var e = Assert.Throws<CheckpointFormatException>(() => Trainer.Resume(dir, TestConfigs.DualEnvironment()));

        // Assert
        Assert.Equal(Path.GetFullPath(model), Path.GetFullPath(e.FilePath));
        Assert.Contains("model.safetensors", e.Message);
    }

    [Fact]
    public void Resume_GarbledTrainerState_ThrowsCheckpointFormatExceptionNamingTheFile()
    {
        var dir = TestConfigs.TempDir("garbled");
        using (var trainer = Trainer.Create(TestConfigs.Dual(dir, totalSteps: 2), TestConfigs.DualEnvironment()))
        {
            trainer.Run();
        }
        var state = Path.Combine(dir, "checkpoints", "step-00000002", "trainer_state.json");
        File.WriteAllText(state, "{\"format\": \"multimodal-training-checkpoint\", \"format_version\": 1, \"step\": \"two\"");

        var e = Assert.Throws<CheckpointFormatException>(() => Trainer.Resume(dir, TestConfigs.DualEnvironment()));

        Assert.Contains("trainer_state.json", e.Message);
    }

    [Fact]
    public void Create_OutputWithCheckpoints_ThrowsIOExceptionSuggestingResume()
    {
        var dir = TestConfigs.TempDir("exists");
        using (var trainer = Trainer.Create(TestConfigs.Dual(dir, totalSteps: 2), TestConfigs.DualEnvironment()))
        {
            trainer.Run();
        }

        var e = Assert.Throws<IOException>(() => Trainer.Create(TestConfigs.Dual(dir, totalSteps: 2), TestConfigs.DualEnvironment()));

        Assert.Contains("--resume", e.Message);
    }

    private static float[] ReadLosses(string dir) =>
        File.ReadAllLines(Path.Combine(dir, "metrics.jsonl"))
            .Select(l => (float)System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("loss").GetDouble()).ToArray();
}

/// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, too late to cancel at a given step).</summary>
internal sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
