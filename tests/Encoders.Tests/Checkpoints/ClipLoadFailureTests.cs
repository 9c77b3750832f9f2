using MultiModal.Encoders.Checkpoints;
using MultiModal.Encoders.Tests.Models;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Tests.Checkpoints;

/// <summary>Strict loading: each malformed model folder gets a specific exception naming the file and the keys.</summary>
public sealed class ClipLoadFailureTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mm-load-" + Guid.NewGuid().ToString("N"));

    public ClipLoadFailureTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Copies the tiny HF fixture and rewrites its weights through <paramref name="edit"/>.</summary>
    private string HfCopyWithWeights(Action<Dictionary<string, Tensor>> edit)
    {
        FixtureCopies.HfWithWeights(_dir, edit);
        return _dir;
    }

    [Fact]
    public void Load_MissingTensor_ListsKey()
    {
        var dir = HfCopyWithWeights(t => t.Remove("vision_model.encoder.layers.1.mlp.fc2.bias"));

        var e = Assert.Throws<CheckpointMismatchException>(() => ClipModel.Load(dir));

        Assert.Equal(["vision_model.encoder.layers.1.mlp.fc2.bias"], e.Missing);
        Assert.Empty(e.Unexpected);
        Assert.Contains("model.safetensors", e.Message);
        Assert.Contains("vision_model.encoder.layers.1.mlp.fc2.bias", e.Message);
    }

    [Fact]
    public void Load_UnexpectedAndMisshapedTensors_ListsAllAtOnce()
    {
        var dir = HfCopyWithWeights(t =>
        {
            t["vision_model.extra.weight"] = zeros(3);
            t["text_model.final_layer_norm.weight"] = ones(31);
        });

        var e = Assert.Throws<CheckpointMismatchException>(() => ClipModel.Load(dir));

        Assert.Equal(["vision_model.extra.weight"], e.Unexpected);
        var bad = Assert.Single(e.Misshaped);
        Assert.Contains("text_model.final_layer_norm.weight: file [31] vs model [32]", bad);
    }

    [Fact]
    public void Load_ConfigWithMoreLayersThanWeights_ReportsMissingLayer()
    {
        var dir = HfCopyWithWeights(_ => { });
        var config = Path.Combine(dir, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"num_hidden_layers\": 1", "\"num_hidden_layers\": 2"));

        var e = Assert.Throws<CheckpointMismatchException>(() => ClipModel.Load(dir));

        Assert.Contains("text_model.encoder.layers.1.self_attn.q_proj.weight", e.Missing);
        Assert.Equal(16, e.Missing.Count);
    }

    [Fact]
    public void Load_PreprocessorMeanNotAList_FormatExceptionNamingFileAndField()
    {
        // Before, the mean was silently replaced by OpenAI's default and every embedding shifted.
        var dir = HfCopyWithWeights(_ => { });
        var preprocessor = Path.Combine(dir, "preprocessor_config.json");
        File.WriteAllText(preprocessor, File.ReadAllText(preprocessor).Replace("\"image_mean\": [", "\"image_mean\": \"0.5\", \"unused\": ["));

        var e = Assert.Throws<FormatException>(() => ClipModel.Load(dir));

        Assert.Contains(preprocessor, e.Message);
        Assert.Contains("image_mean", e.Message);
    }

    [Fact]
    public void Load_TruncatedWeights_ThrowsFormatExceptionNamingFile()
    {
        var dir = HfCopyWithWeights(_ => { });
        var weights = Path.Combine(dir, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<CheckpointFormatException>(() => ClipModel.Load(dir));

        Assert.Equal(weights, e.FilePath);
        Assert.Contains(weights, e.Message);
    }

    [Fact]
    public void Load_HostileHeaderLength_ThrowsFormatException()
    {
        var dir = HfCopyWithWeights(_ => { });
        var weights = Path.Combine(dir, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), 1UL << 60);
        File.WriteAllBytes(weights, bytes);

        Assert.Throws<CheckpointFormatException>(() => ClipModel.Load(dir));
    }

    [Fact]
    public void Load_NotAModelFolder_ThrowsFileNotFoundNamingExpectedFiles()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ClipModel.Load(_dir));

        Assert.Contains("open_clip_config.json", e.Message);
        Assert.Contains(_dir, e.Message);
    }

    [Fact]
    public void Load_MissingFolder_ThrowsDirectoryNotFound()
    {
        Assert.Throws<DirectoryNotFoundException>(() => ClipModel.Load(Path.Combine(_dir, "nope")));
    }

    [Fact]
    public void Load_OpenClipWithoutVocabulary_ThrowsNamingTheLookedForFiles()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ClipModel.Load(ClipReference.ModelDir("tiny-gelu-openclip")));

        Assert.Contains("bpe_simple_vocab_16e6.txt.gz", e.Message);
        Assert.Contains("vocab.json", e.Message);
    }

    [Fact]
    public void Load_PickleOnlyFolder_ExplainsSafetensorsIsNeeded()
    {
        File.Copy(Path.Combine(ClipReference.ModelDir("tiny-gelu-openclip"), "open_clip_config.json"), Path.Combine(_dir, "open_clip_config.json"));
        File.WriteAllBytes(Path.Combine(_dir, "open_clip_pytorch_model.bin"), [1, 2, 3]);

        var e = Assert.Throws<FileNotFoundException>(() => ClipModel.Load(_dir, new ClipLoadOptions { TokenizerPath = TestPaths.ClipVocabulary }));

        Assert.Contains("open_clip_pytorch_model.bin", e.Message);
        Assert.Contains("safetensors", e.Message);
    }

    [Fact]
    public void Load_UnsupportedArchitectureKey_ThrowsNotSupportedNamingKey()
    {
        var source = ClipReference.ModelDir("tiny-gelu-openclip");
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
        }
        var config = Path.Combine(_dir, "open_clip_config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"patch_size\": 16", "\"patch_size\": 16, \"ls_init_value\": 0.1"));

        var e = Assert.Throws<NotSupportedException>(() => ClipModel.Load(_dir, new ClipLoadOptions { TokenizerPath = TestPaths.ClipVocabulary }));

        Assert.Contains("ls_init_value", e.Message);
    }
}
