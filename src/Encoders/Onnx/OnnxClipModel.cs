using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using MultiModal.Encoders.Checkpoints;
using MultiModal.Encoders.Config;
using MultiModal.Encoders.Imaging;
using MultiModal.Encoders.Tokenization;

namespace MultiModal.Encoders.Onnx;

/// <summary>
/// A CLIP model exported to ONNX and run with ONNX Runtime, interchangeable with the TorchSharp <see cref="ClipModel"/>:
/// a Hugging Face Optimum export folder with <c>vision_model.onnx</c> + <c>text_model.onnx</c> (or one
/// <c>model.onnx</c> taking <c>pixel_values</c>, <c>input_ids</c>, <c>attention_mask</c> and returning
/// <c>image_embeds</c>, <c>text_embeds</c>), <c>config.json</c>, <c>preprocessor_config.json</c> and the CLIP tokenizer
/// files (vocab.json + merges.txt, or OpenAI's BPE archive).
/// </summary>
/// <remarks>
/// Thread-safe: ONNX Runtime runs concurrent inferences on one session; image decoding runs on worker threads.
/// Images are preprocessed by <see cref="ImagePreprocessor"/> (PIL-exact), texts tokenized by <see cref="ClipTokenizer"/>,
/// so the same inputs reach the graph as reach <see cref="ClipModel"/>.
/// </remarks>
public sealed class OnnxClipModel : IMultimodalEncoder
{
    /// <summary>File name of Optimum's image tower.</summary>
    public const string VisionModelFileName = "vision_model.onnx";

    /// <summary>File name of Optimum's text tower.</summary>
    public const string TextModelFileName = "text_model.onnx";

    /// <summary>File name of a single-graph export.</summary>
    public const string CombinedModelFileName = "model.onnx";

    /// <summary><see cref="LogitScale"/> when neither the options nor config.json give one: trained CLIP's exp(ln 100).</summary>
    public const float DefaultLogitScale = 100f;

    private readonly OnnxSession[] _sessions;
    private bool _disposed;

    private OnnxClipModel(string name, OnnxClipVisionTower vision, OnnxClipTextTower text, float logitScale, OnnxSession[] sessions)
    {
        Name = name;
        Vision = vision;
        Text = text;
        LogitScale = logitScale;
        _sessions = sessions;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The image tower.</summary>
    public OnnxClipVisionTower Vision { get; }

    /// <summary>The text tower.</summary>
    public OnnxClipTextTower Text { get; }

    /// <inheritdoc/>
    public int EmbedDim => Vision.EmbedDim;

    /// <inheritdoc/>
    /// <remarks>
    /// ONNX exports carry no logit scale (it is not an input or output of the towers), so it comes from, in order:
    /// <see cref="OnnxClipLoadOptions.LogitScale"/>; config.json's <c>logit_scale</c> (ln space, written by this
    /// library's exporter, tests/fixtures/onnx/generate.py); else <see cref="DefaultLogitScale"/> (100, the clamp value
    /// every released OpenAI and OpenCLIP model has reached). config.json's <c>logit_scale_init_value</c> is deliberately
    /// not used: it is transformers' initial value ln(1/0.07), not the trained one (exp gives 14.3 instead of 100).
    /// Only softmax temperatures depend on it; rankings and zero-shot argmax do not.
    /// </remarks>
    public float LogitScale { get; }

    int IImageEncoder.EmbedDim => Vision.EmbedDim;

    int ITextEncoder.EmbedDim => Text.EmbedDim;

    /// <summary>
    /// Loads an ONNX CLIP export folder (or its <c>onnx/</c> subfolder for the ONNX files). See the class remarks for the layout.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">No ONNX files, no config.json, or no tokenizer vocabulary; the message names what is missing.</exception>
    /// <exception cref="FormatException">config.json or preprocessor_config.json is malformed.</exception>
    /// <exception cref="OnnxModelException">An ONNX file is corrupt, lacks the expected inputs/outputs, or its embedding width disagrees.</exception>
    /// <exception cref="OnnxProviderUnavailableException">The execution provider asked for cannot be used here.</exception>
    public static OnnxClipModel Load(string directory, OnnxClipLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new OnnxClipLoadOptions();
        options.Validate();
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The ONNX model folder '{directory}' does not exist.");
        }
        var configPath = Path.Combine(directory, "config.json");
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"'{directory}' has no config.json (the Hugging Face CLIP config an Optimum export carries).", configPath);
        }
        var config = ReadObject(configPath);
        var textConfig = HfClipConfigJson.Tower(config, "text_config", configPath);
        var visionConfig = HfClipConfigJson.Tower(config, "vision_config", configPath);
        int embedDim = JsonFields.Int(config, "projection_dim", 512, configPath);
        int context = JsonFields.Int(textConfig, "max_position_embeddings", 77, configPath);
        int imageSize = JsonFields.Int(visionConfig, "image_size", 224, configPath);
        if (embedDim < 1 || context < 2 || imageSize < 1)
        {
            throw new FormatException($"{configPath}: projection_dim {embedDim}, text_config.max_position_embeddings {context} and vision_config.image_size {imageSize} must be positive (context at least 2).");
        }
        float logitScale = options.LogitScale ?? (config["logit_scale"] is not null
            ? (float)Math.Exp(JsonFields.Double(config, "logit_scale", 0, configPath))
            : DefaultLogitScale);
        var preprocessPath = Path.Combine(directory, "preprocessor_config.json");
        var preprocess = File.Exists(preprocessPath)
            ? PreprocessConfigJson.FromHuggingFace(ReadObject(preprocessPath), imageSize, preprocessPath)
            : new ImagePreprocessOptions { ImageSize = imageSize };
        preprocess = preprocess with { AllowTruncated = preprocess.AllowTruncated || options.AllowTruncatedImages };
        var tokenizer = ClipTokenizer.FromModelDirectory(directory, new ClipTokenizerOptions { ContextLength = context }, options.TokenizerPath);
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        var onnxDir = FindOnnxFolder(directory);
        var sessions = new List<OnnxSession>();
        try
        {
            OnnxClipVisionTower vision;
            OnnxClipTextTower text;
            if (onnxDir is not null)
            {
                var visionSession = OnnxSession.Open(Path.Combine(onnxDir, VisionModelFileName), options.Session);
                sessions.Add(visionSession);
                var textSession = OnnxSession.Open(Path.Combine(onnxDir, TextModelFileName), options.Session);
                sessions.Add(textSession);
                vision = new OnnxClipVisionTower(visionSession, preprocess, embedDim, null);
                text = new OnnxClipTextTower(textSession, tokenizer, embedDim, null, []);
            }
            else
            {
                var combined = Path.Combine(directory, CombinedModelFileName);
                if (!File.Exists(combined) && File.Exists(Path.Combine(directory, "onnx", CombinedModelFileName)))
                {
                    combined = Path.Combine(directory, "onnx", CombinedModelFileName);
                }
                if (!File.Exists(combined))
                {
                    throw new FileNotFoundException($"'{directory}' holds no ONNX CLIP export: expected {VisionModelFileName} with {TextModelFileName}, or {CombinedModelFileName} (in the folder or its onnx/ subfolder).", combined);
                }
                var session = OnnxSession.Open(combined, options.Session);
                sessions.Add(session);
                // The combined graph needs every input on each run: a one-row dummy of the other modality.
                vision = new OnnxClipVisionTower(session, preprocess, embedDim, () => DummyText(tokenizer));
                text = new OnnxClipTextTower(session, tokenizer, embedDim, () => DummyImage(imageSize), [OnnxClipVisionTower.PixelValues]);
            }
            return new OnnxClipModel(name, vision, text, logitScale, [.. sessions]);
        }
        catch
        {
            foreach (var s in sessions)
            {
                s.Dispose();
            }
            throw;
        }
    }

    private static string? FindOnnxFolder(string directory)
    {
        foreach (var dir in new[] { directory, Path.Combine(directory, "onnx") })
        {
            bool hasVision = File.Exists(Path.Combine(dir, VisionModelFileName)), hasText = File.Exists(Path.Combine(dir, TextModelFileName));
            if (hasVision || hasText)
            {
                // One tower without the other is a broken split export: name the missing file.
                return hasVision && hasText ? dir : throw new FileNotFoundException(
                    $"'{dir}' has {(hasVision ? VisionModelFileName : TextModelFileName)} but not {(hasVision ? TextModelFileName : VisionModelFileName)}.",
                    Path.Combine(dir, hasVision ? TextModelFileName : VisionModelFileName));
            }
        }
        return null;
    }

    private static IReadOnlyList<(string, OrtValue)> DummyText(ClipTokenizer tokenizer)
    {
        int context = tokenizer.ContextLength;
        var ids = new long[context];
        ids[0] = tokenizer.StartOfTextId;
        ids[1] = tokenizer.EndOfTextId;
        var mask = new long[context];
        mask[0] = mask[1] = 1;
        return [(OnnxClipTextTower.InputIds, OrtValue.CreateTensorValueFromMemory(ids, [1, context])),
                (OnnxClipTextTower.AttentionMask, OrtValue.CreateTensorValueFromMemory(mask, [1, context]))];
    }

    private static IReadOnlyList<(string, OrtValue)> DummyImage(int size) =>
        [(OnnxClipVisionTower.PixelValues, OrtValue.CreateTensorValueFromMemory(new float[3 * size * size], [1, 3, size, size]))];

    /// <inheritdoc/>
    public float[][] EncodeImages(IReadOnlyList<string> paths, int batchSize = 32, bool normalize = true, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Vision.EncodeImages(paths, batchSize, normalize, progress, cancellationToken);
    }

    /// <inheritdoc/>
    public float[][] EncodeImages(IReadOnlyList<Stream> streams, IReadOnlyList<string>? names = null, int batchSize = 32, bool normalize = true, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Vision.EncodeImages(streams, names, batchSize, normalize, cancellationToken);
    }

    /// <inheritdoc/>
    public float[][] EncodeTexts(IReadOnlyList<string> texts, int batchSize = 256, bool normalize = true, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Text.EncodeTexts(texts, batchSize, normalize, cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            foreach (var s in _sessions)
            {
                s.Dispose();
            }
        }
    }

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
}
