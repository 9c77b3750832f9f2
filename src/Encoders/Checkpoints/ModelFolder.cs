using System.Text.Json;
using System.Text.Json.Nodes;
using MultiModal.Encoders.Config;
using MultiModal.Encoders.Imaging;
using MultiModal.Encoders.IO;
using MultiModal.Encoders.Tokenization;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Checkpoints;

/// <summary>What a model folder holds: its layout, architecture, preprocessing and weights file.</summary>
/// <remarks>No key map yet: listing one costs time and memory in proportion to the config's layer counts, so it is built
/// only once the weights file has shown it can hold that many tensors (<see cref="ClipWeights.CheckHeader"/>).</remarks>
internal sealed record ModelFolderInfo(CheckpointLayout Layout, ClipConfig Config, ImagePreprocessOptions Preprocess, string WeightsPath);

/// <summary>Recognises, reads and writes model folders (see <see cref="CheckpointLayout"/>).</summary>
internal static class ModelFolder
{
    public const string OwnConfigFile = "multimodal_config.json";
    public const string OwnFormat = "multimodal-clip";
    public const int OwnFormatVersion = 1;

    public static ModelFolderInfo Inspect(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Model folder {directory} does not exist.");
        }
        string In(string name) => Path.Combine(directory, name);

        if (File.Exists(In(OwnConfigFile)))
        {
            var path = In(OwnConfigFile);
            var root = ReadObject(path);
            var format = JsonFields.String(root, "format", "", path);
            var version = JsonFields.Int(root, "format_version", 0, path);
            if (format != OwnFormat || version <= 0)
            {
                throw new FormatException($"{path}: not a {OwnFormat} config (format '{format}').");
            }
            if (version > OwnFormatVersion)
            {
                throw new NotSupportedException($"{path}: format_version {version} is newer than this library reads ({OwnFormatVersion}).");
            }
            var config = OpenClipConfigJson.Parse(root["model_cfg"] as JsonObject ?? throw new FormatException($"{path}: model_cfg is missing."), path);
            var preprocess = PreprocessConfigJson.FromOpenClip(root["preprocess_cfg"] as JsonObject, config.Vision.ImageSize, path);
            return new(CheckpointLayout.MultiModal, config, preprocess, Weights(directory, "model.safetensors"));
        }
        if (File.Exists(In("open_clip_config.json")))
        {
            var path = In("open_clip_config.json");
            var root = ReadObject(path);
            var config = OpenClipConfigJson.Parse(root["model_cfg"] as JsonObject ?? throw new FormatException($"{path}: model_cfg is missing."), path);
            var preprocess = PreprocessConfigJson.FromOpenClip(root["preprocess_cfg"] as JsonObject, config.Vision.ImageSize, path);
            return new(CheckpointLayout.OpenClip, config, preprocess, Weights(directory, "open_clip_model.safetensors"));
        }
        if (File.Exists(In("config.json")))
        {
            var path = In("config.json");
            var config = HfClipConfigJson.Parse(File.ReadAllText(path), path);
            var preprocessPath = In("preprocessor_config.json");
            var preprocess = File.Exists(preprocessPath)
                ? PreprocessConfigJson.FromHuggingFace(ReadObject(preprocessPath), config.Vision.ImageSize, preprocessPath)
                : new ImagePreprocessOptions { ImageSize = config.Vision.ImageSize };
            return new(CheckpointLayout.HuggingFace, config, preprocess, Weights(directory, "model.safetensors"));
        }
        throw new FileNotFoundException(
            $"{directory} is not a model folder: expected {OwnConfigFile}, open_clip_config.json (OpenCLIP hub layout) or config.json (Hugging Face CLIPModel layout).");
    }

    public static void Save(ClipModel model, string directory) => AtomicFolder.Write(directory, staging =>
    {
        using var tensors = NewDisposeScope(); // the CPU copies below
        var state = model.Network.state_dict()
            .Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.detach().cpu()))
            .ToList();
        SafeTensorsWriter.Save(Path.Combine(staging, "model.safetensors"), state, new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var file in model.Tokenizer.SourceFiles)
        {
            File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
        }
        var config = new JsonObject
        {
            ["format"] = OwnFormat,
            ["format_version"] = OwnFormatVersion,
            ["model_cfg"] = OpenClipConfigJson.ToJson(model.Config),
            ["preprocess_cfg"] = PreprocessConfigJson.ToOpenClip(model.PreprocessOptions),
        };
        AtomicFolder.WriteText(Path.Combine(staging, OwnConfigFile), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }, new AtomicFolderOptions { Kind = "model" });

    private static JsonObject ReadObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException($"{path}: not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    private static string Weights(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        if (File.Exists(path))
        {
            return path;
        }
        var pickles = new[] { "open_clip_pytorch_model.bin", "pytorch_model.bin" }.Where(p => File.Exists(Path.Combine(directory, p))).ToList();
        var hint = pickles.Count > 0
            ? $" The folder has {string.Join(", ", pickles)} (a pickled PyTorch checkpoint), which is not loaded for safety; convert it to safetensors."
            : "";
        throw new FileNotFoundException($"Weights file {path} is missing.{hint}", path);
    }
}
