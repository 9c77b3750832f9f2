using MultiModal.Encoders;
using MultiModal.Training.Config;
using MultiModal.Training.Logging;
using MultiModal.Training.Tests.Data;
using MultiModal.Training.Tests.Helpers;
using static TorchSharp.torch;

namespace MultiModal.Training.Tests.Training;

/// <summary>
/// <see cref="TrainingEnvironment.Default"/> end to end: a dataset spec opened by <c>DatasetSpec</c>, captions from
/// templates with a class held out, the real <c>DataLoader</c> (augmentation, CLIP tokenizer) feeding a tiny CLIP, a
/// complete final model folder, and resume through the loader's data position.
/// </summary>
public sealed class DefaultEnvironmentTests : IDisposable
{
    private readonly string _dir = TestConfigs.TempDir("default-env");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>16 grey 12x12 images in 4 classes ("0".."3") as IDX files; a tiny CLIP with the real 49408-token vocabulary.</summary>
    private TrainingConfig Config(string output, int totalSteps)
    {
        var (pixels, labels) = TestFiles.IdxContent(16, 12, 12, 4);
        var images = Path.Combine(_dir, "images-idx3-ubyte");
        var labelPath = Path.Combine(_dir, "labels-idx1-ubyte");
        TestFiles.WriteIdx(images, [16, 12, 12], pixels);
        TestFiles.WriteIdx(labelPath, [16], labels);
        var architecture = Path.Combine(_dir, "arch.json");
        File.WriteAllText(architecture, """
            {"embed_dim": 16, "quick_gelu": false,
             "vision_cfg": {"image_size": 16, "layers": 1, "width": 32, "patch_size": 8, "head_width": 16, "mlp_ratio": 2},
             "text_cfg": {"context_length": 8, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1}}
            """);
        return new TrainingConfig
        {
            Data = new DataSection { Train = [$"idx:{images},{labelPath}"], Templates = ["a photo of a {}.", "a drawing of the number {}."], HeldOutClasses = ["3"], MaxPerClass = 3 },
            Model = new ModelSection { Kind = ModelKind.Clip, Architecture = architecture, Tokenizer = TestFiles.ClipVocabulary },
            Mode = TrainingMode.Full,
            Optimizer = new OptimizerSection { Lr = 1e-3, WeightDecay = 0.1 },
            Schedule = new ScheduleSection { WarmupSteps = 1, TotalSteps = totalSteps },
            BatchSize = 4,
            Seed = 7,
            OutputDir = output,
            CheckpointEvery = 100,
            LogEvery = 1,
        };
    }

    [Fact]
    public void Run_ClipFromIdxSpec_TrainsAndSavesALoadableModel()
    {
        // Arrange: 3 per class of the 3 kept classes = 9 samples, batch 4 with drop-last = 2 batches per epoch.
        var output = Path.Combine(_dir, "run");
        using var trainer = Trainer.Create(Config(output, totalSteps: 3), TrainingEnvironment.Default);

        // Act
        var result = trainer.Run();
        using var saved = ClipModel.Load(result.FinalModelDir!);

        // Assert: every loss finite; the saved folder holds the trained weights and the tokenizer.
        Assert.Equal(3, result.Losses.Count);
        Assert.All(result.Losses, l => Assert.True(float.IsFinite(l)));
        using (no_grad())
        {
            foreach (var (name, p) in trainer.Network!.named_parameters())
            {
                Assert.True(p.cpu().equal(saved.Network.named_parameters().Single(q => q.name == name).parameter.cpu()).all().item<bool>(), name);
            }
        }
        Assert.Equal(16, saved.EncodeTexts(["a photo of a 2."])[0].Length);
    }

    [Fact]
    public void Resume_ClipFromIdxSpec_ContinuesToTheUninterruptedLosses()
    {
        // Arrange: 5 steps straight, then the same run cancelled after step 2 (checkpoint on cancel) and resumed.
        float[] straight;
        using (var trainer = Trainer.Create(Config(Path.Combine(_dir, "a"), totalSteps: 5), TrainingEnvironment.Default))
        {
            straight = [.. trainer.Run().Losses];
        }
        var split = Path.Combine(_dir, "b");
        using var cts = new CancellationTokenSource();
        var cancelAfter2 = new SynchronousProgress(p => { if (p.Phase == TrainingPhase.Training && p.Done == 2) { cts.Cancel(); } });
        using (var trainer = Trainer.Create(Config(split, totalSteps: 5), TrainingEnvironment.Default))
        {
            Assert.Throws<OperationCanceledException>(() => trainer.Run(cancelAfter2, cts.Token));
        }

        // Act
        TrainingResult rest;
        using (var resumed = Trainer.Resume(split, TrainingEnvironment.Default))
        {
            rest = resumed.Run();
        }

        // Assert: the loader resumes at the same epoch and batch with the same crops and captions: bit-identical.
        Assert.Equal(2, rest.FirstStep);
        Assert.Equal(straight[2..], rest.Losses.ToArray());
    }
}
