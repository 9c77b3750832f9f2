using MultiModal.Cli.Commands;
using MultiModal.Encoders;
using MultiModal.Encoders.Dual;
using MultiModal.Training;
using MultiModal.Training.Data;

namespace MultiModal.Cli.Tests;

public sealed class TrainCommandTests : CliTestBase
{
    [Fact]
    public void Train_NoSource_ExitsWithUsageError()
    {
        var r = Run("train");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--config", r.Stderr);
    }

    [Fact]
    public void Train_ConfigAndResume_ExitsWithUsageError()
    {
        var r = Run("train", "--config", "a.json", "--resume", "dir");

        Assert.Equal(2, r.ExitCode);
    }

    [Fact]
    public void Train_MissingConfigFile_ExitsWithFailureNamingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.json");

        var r = Run("train", "--config", path);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains(path, r.Stderr);
    }

    [Fact]
    public void Train_UnknownConfigField_ExitsWithFailureNamingTheField()
    {
        var dir = TempDir();
        var path = WriteConfig(dir, extra: ", \"learning_rate\": 0.1");

        var r = Run("train", "--config", path);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("learning_rate", r.Stderr);
    }

    [Fact]
    public void Train_InvalidValue_ExitsWithFailureNamingTheField()
    {
        var dir = TempDir();
        var path = WriteConfig(dir);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"batch_size\": 8", "\"batch_size\": 1"));

        var r = Run("train", "--config", path);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("batch_size", r.Stderr);
    }

    [Fact]
    public void Train_UnwiredTowerName_ExitsWithFailureNamingTheTower()
    {
        var dir = TempDir();

        var r = Run("train", "--config", WriteConfig(dir));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("test-image", r.Stderr);
    }

    [Fact]
    public void Train_DualRunWithTestEnvironment_PrintsSummaryAndCancelsOnToken()
    {
        // Arrange
        var dir = TempDir();
        var config = WriteConfig(dir);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        // Act: a full run, then a second run with an already-cancelled token (CliApp maps the exception to 130).
        var code = TrainCommand.Run(["--config", config], stdout, stderr, _ => TestEnvironment(), CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var second = WriteConfig(Path.Combine(dir, "second"));

        // Assert
        Assert.Equal(0, code);
        Assert.Contains("\"step\":4", stdout.ToString());
        Assert.Contains("step 4/4", stderr.ToString());
        Assert.True(File.Exists(Path.Combine(dir, "out", "final", "heads.safetensors")));
        Assert.Throws<OperationCanceledException>(() => TrainCommand.Run(["--config", second], new StringWriter(), new StringWriter(), _ => TestEnvironment(), cancelled.Token));
    }

    private static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mm-train-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string WriteConfig(string dir, string extra = "")
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "train.json");
        var output = Path.Combine(dir, "out").Replace("\\", "/", StringComparison.Ordinal);
        File.WriteAllText(path, $$"""
            {
              "data": {"train": ["memory:train"]},
              "model": {"kind": "dual", "image_tower": "test-image", "text_tower": "test-text", "embed_dim": 4},
              "mode": "lit",
              "optimizer": {"lr": 0.01},
              "schedule": {"warmup_steps": 1, "total_steps": 4},
              "batch_size": 8, "output_dir": "{{output}}", "checkpoint_every": 2, "log_every": 1{{extra}}
            }
            """);
        return path;
    }

    private static TrainingEnvironment TestEnvironment() => new()
    {
        OpenDataset = _ => new TinyDataset(),
        Towers = new DualTowerFactory(_ => new HashTower(6), _ => new HashTower(5)),
    };

    /// <summary>16 labelled byte "images" over two classes.</summary>
    private sealed class TinyDataset : IImageTextDataset
    {
        public string Name => "tiny";

        public int Count => 16;

        public IReadOnlyList<string>? ClassNames => ["red", "blue"];

        public ImageTextSample this[int index] => new(new Bytes(index), [], index % 2);

        private sealed class Bytes(int i) : ImageRef
        {
            public override string Name => $"tiny#{i}";

            public override Stream Open() => new MemoryStream([(byte)i, (byte)(i * 7), (byte)(i % 2 * 200)]);
        }
    }

    /// <summary>A frozen-tower double: a seeded pseudo-random row per distinct input.</summary>
    private sealed class HashTower(int dim) : IImageEncoder, ITextEncoder
    {
        public int EmbedDim => dim;

        public float[][] EncodeImages(IReadOnlyList<string> paths, int batchSize = 32, bool normalize = true, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
            paths.Select(p => Row(p.Length)).ToArray();

        public float[][] EncodeImages(IReadOnlyList<Stream> streams, IReadOnlyList<string>? names = null, int batchSize = 32, bool normalize = true, CancellationToken cancellationToken = default) =>
            streams.Select(s =>
            {
                var key = 17;
                int b;
                while ((b = s.ReadByte()) >= 0)
                {
                    key = (key * 31) + b;
                }
                return Row(key);
            }).ToArray();

        public float[][] EncodeTexts(IReadOnlyList<string> texts, int batchSize = 256, bool normalize = true, CancellationToken cancellationToken = default) =>
            texts.Select(t => Row(t.Aggregate(17, (k, c) => (k * 31) + c))).ToArray();

        private float[] Row(int key)
        {
            var random = new Random(key & 0x7fffffff);
            return Enumerable.Range(0, dim).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        }
    }

    [Fact]
    public void Train_ClipFromIdxSpec_ThenEmbedWithTheFinalModel()
    {
        // Arrange: the real pipeline end to end through mm: DatasetSpec (idx), DataLoader, CLIP tokenizer, a tiny CLIP
        // from an architecture file; the final folder is a complete model that mm embed loads.
        var dir = TempDir();
        var pixels = Enumerable.Range(0, 12 * 10 * 10).Select(i => (byte)(i * 13 % 256)).ToArray();
        WriteIdx(Path.Combine(dir, "img"), [12, 10, 10], pixels);
        WriteIdx(Path.Combine(dir, "lab"), [12], Enumerable.Range(0, 12).Select(i => (byte)(i % 3)).ToArray());
        File.WriteAllText(Path.Combine(dir, "arch.json"), """
            {"embed_dim": 8, "quick_gelu": false,
             "vision_cfg": {"image_size": 16, "layers": 1, "width": 16, "patch_size": 8, "head_width": 8, "mlp_ratio": 2},
             "text_cfg": {"context_length": 8, "vocab_size": 49408, "width": 16, "heads": 2, "layers": 1}}
            """);
        var config = Path.Combine(dir, "config.json");
        File.WriteAllText(config, $$"""
            {"data": {"train": ["idx:{{dir}}/img,{{dir}}/lab"], "templates": ["a photo of a {}."]},
             "model": {"kind": "clip", "architecture": "{{dir}}/arch.json", "tokenizer": "{{Vocabulary}}"},
             "mode": "full", "optimizer": {"lr": 0.001},
             "schedule": {"warmup_steps": 1, "total_steps": 3},
             "batch_size": 4, "seed": 1, "output_dir": "{{dir}}/run", "checkpoint_every": 2, "log_every": 1}
            """);

        // Act
        var train = Run("train", "--config", config);
        var final = train.ExitCode == 0 ? train.Json.GetProperty("final_model").GetString()! : "";
        var embed = Run("embed", "--model", final, "--text", "a photo of a 2.");

        // Assert
        Assert.Equal(0, train.ExitCode);
        Assert.Equal(3, train.Json.GetProperty("step").GetInt32());
        Assert.True(Directory.Exists(Path.Combine(dir, "run", "checkpoints", "step-00000002")));
        Assert.Equal(0, embed.ExitCode);
        Assert.Equal(8, embed.Json.GetProperty("dim").GetInt32());
    }

    [Fact]
    public void Train_MalformedDatasetSpec_ExitsOneQuotingTheSpec()
    {
        var dir = TempDir();
        File.WriteAllText(Path.Combine(dir, "arch.json"), """
            {"embed_dim": 8, "vision_cfg": {"image_size": 16, "layers": 1, "width": 16, "patch_size": 8, "head_width": 8},
             "text_cfg": {"context_length": 8, "vocab_size": 49408, "width": 16, "heads": 2, "layers": 1}}
            """);
        var config = Path.Combine(dir, "config.json");
        File.WriteAllText(config, $$"""
            {"data": {"train": ["nosuchkind:/data/x"]},
             "model": {"kind": "clip", "architecture": "{{dir}}/arch.json", "tokenizer": "{{Vocabulary}}"},
             "schedule": {"warmup_steps": 1, "total_steps": 3}, "batch_size": 4, "output_dir": "{{dir}}/run"}
            """);

        var r = Run("train", "--config", config);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("nosuchkind:/data/x", r.Stderr);
    }

    [Fact]
    public void Train_TruncatedIdxImages_ExitsOneNamingTheFile()
    {
        var dir = TempDir();
        WriteIdx(Path.Combine(dir, "img"), [12, 10, 10], new byte[100]); // header says 1200 bytes of pixels
        WriteIdx(Path.Combine(dir, "lab"), [12], new byte[12]);
        File.WriteAllText(Path.Combine(dir, "arch.json"), """
            {"embed_dim": 8, "vision_cfg": {"image_size": 16, "layers": 1, "width": 16, "patch_size": 8, "head_width": 8},
             "text_cfg": {"context_length": 8, "vocab_size": 49408, "width": 16, "heads": 2, "layers": 1}}
            """);
        var config = Path.Combine(dir, "config.json");
        File.WriteAllText(config, $$"""
            {"data": {"train": ["idx:{{dir}}/img,{{dir}}/lab"]},
             "model": {"kind": "clip", "architecture": "{{dir}}/arch.json", "tokenizer": "{{Vocabulary}}"},
             "schedule": {"warmup_steps": 1, "total_steps": 3}, "batch_size": 4, "output_dir": "{{dir}}/run"}
            """);

        var r = Run("train", "--config", config);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains(Path.Combine(dir, "img"), r.Stderr);
    }
}
