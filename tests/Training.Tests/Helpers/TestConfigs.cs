using MultiModal.Encoders.Dual;
using MultiModal.Training.Config;

namespace MultiModal.Training.Tests.Helpers;

/// <summary>Small seeded configs and environments shared by the trainer tests.</summary>
internal static class TestConfigs
{
    public static readonly string[] Classes = ["cat", "dog", "car", "ship"];

    /// <summary>A tiny OpenCLIP model config (width 32, 1 layer, 16-px images, context 8, vocab 64) written to a temp file.</summary>
    public static string TinyClipArchitecture(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "tiny-clip.json");
        File.WriteAllText(path, """
            {"embed_dim": 16, "quick_gelu": false,
             "vision_cfg": {"image_size": 16, "layers": 1, "width": 32, "patch_size": 8, "head_width": 16, "mlp_ratio": 2},
             "text_cfg": {"context_length": 8, "vocab_size": 64, "width": 32, "heads": 2, "layers": 1}}
            """);
        return path;
    }

    public static TrainingConfig Dual(string output, int totalSteps = 6, int batchSize = 8, int accumulation = 1, TrainingMode mode = TrainingMode.Lit) => new()
    {
        Data = new DataSection { Train = ["memory:train"], Templates = ["a photo of a {}.", "a {}"] },
        Model = new ModelSection { Kind = ModelKind.Dual, ImageTower = "test-bytes", TextTower = "test-trigram", EmbedDim = 8 },
        Mode = mode,
        Optimizer = new OptimizerSection { Lr = 0.05, WeightDecay = 0.1 },
        Schedule = new ScheduleSection { WarmupSteps = Math.Min(2, totalSteps - 1), TotalSteps = totalSteps },
        BatchSize = batchSize,
        AccumulationSteps = accumulation,
        ClipGradNorm = 1.0,
        Seed = 3,
        OutputDir = output,
        CheckpointEvery = 2,
        LogEvery = 1,
    };

    public static TrainingEnvironment DualEnvironment(SyntheticClassDataset? dataset = null) => new()
    {
        OpenDataset = _ => dataset ?? new SyntheticClassDataset(32, Classes, seed: 5),
        Towers = new DualTowerFactory(_ => new ByteStatsImageTower(12), _ => new TrigramTextTower(10)),
    };

    public static TrainingConfig Clip(string output, string architecture, int totalSteps = 4, TrainingMode mode = TrainingMode.Full) => new()
    {
        Data = new DataSection { Train = ["memory:train"] },
        Model = new ModelSection { Kind = ModelKind.Clip, Architecture = architecture },
        Mode = mode,
        Optimizer = new OptimizerSection { Lr = 1e-3, WeightDecay = 0.2 },
        Schedule = new ScheduleSection { WarmupSteps = 1, TotalSteps = totalSteps },
        BatchSize = 4,
        ClipGradNorm = 1.0,
        Seed = 1,
        OutputDir = output,
        CheckpointEvery = 2,
        LogEvery = 1,
    };

    public static TrainingEnvironment ClipEnvironment(bool poison = false) => new()
    {
        ClipBatches = (c, _) => new InMemoryClipBatches(batchesPerEpoch: 3, c.BatchSize, imageSize: 16, contextLength: 8, vocab: 64, seed: 9, poison),
    };

    public static string TempDir(string tag)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mm-train-{tag}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
