using System.Text.Json;
using System.Text.Json.Nodes;

namespace MultiModal.Encoders.Config;

/// <summary>
/// Reads and writes OpenCLIP's model config JSON (<c>model_cfg</c>: <c>embed_dim</c>, <c>quick_gelu</c>,
/// <c>vision_cfg</c>, <c>text_cfg</c>). Keys that would change the architecture in ways this library does not build
/// (ResNet or timm towers, layer scale, attentional pooling, ...) are rejected by name rather than ignored.
/// </summary>
public static class OpenClipConfigJson
{
    private static readonly HashSet<string> TopKeys = ["embed_dim", "quick_gelu", "vision_cfg", "text_cfg", "cast_dtype", "init_logit_scale"];
    private static readonly HashSet<string> VisionKeys = ["image_size", "layers", "width", "patch_size", "head_width", "mlp_ratio", "patch_dropout"];
    private static readonly HashSet<string> TextKeys = ["context_length", "vocab_size", "width", "heads", "layers", "mlp_ratio"];

    // Keys whose OpenCLIP default means "the plain OpenAI architecture"; accepted only with that value.
    private static readonly Dictionary<string, JsonValueKind[]> NeutralWhenFalseOrNull = new()
    {
        ["ls_init_value"] = [JsonValueKind.Null],
        ["attentional_pool"] = [JsonValueKind.False],
        ["output_tokens"] = [JsonValueKind.False],
        ["no_ln_pre"] = [JsonValueKind.False],
        ["final_ln_after_pool"] = [JsonValueKind.False],
        ["no_causal_mask"] = [JsonValueKind.False],
        ["embed_cls"] = [JsonValueKind.False],
        ["timm_model_name"] = [JsonValueKind.Null],
        ["hf_model_name"] = [JsonValueKind.Null],
        ["custom_text"] = [JsonValueKind.False],
    };

    /// <summary>Parses a <c>model_cfg</c> object (the whole file of an OpenCLIP architecture JSON).</summary>
    /// <param name="modelCfg">The JSON object.</param>
    /// <param name="source">File name used in error messages.</param>
    /// <exception cref="FormatException">A field has the wrong JSON type.</exception>
    /// <exception cref="NotSupportedException">The config asks for an architecture this library does not build.</exception>
    public static ClipConfig Parse(JsonObject modelCfg, string source)
    {
        ArgumentNullException.ThrowIfNull(modelCfg);
        RejectUnknown(modelCfg, TopKeys, "model_cfg", source);
        var vision = modelCfg["vision_cfg"] as JsonObject ?? throw new FormatException($"{source}: model_cfg.vision_cfg is missing or not an object.");
        var text = modelCfg["text_cfg"] as JsonObject ?? throw new FormatException($"{source}: model_cfg.text_cfg is missing or not an object.");
        if (vision["layers"] is JsonArray)
        {
            throw new NotSupportedException($"{source}: vision_cfg.layers is a list, i.e. a ModifiedResNet image tower; only Vision Transformer towers are supported so far.");
        }
        RejectUnknown(vision, VisionKeys, "vision_cfg", source);
        RejectUnknown(text, TextKeys, "text_cfg", source);

        var defaults = new ClipConfig();
        var config = new ClipConfig
        {
            EmbedDim = JsonFields.Int(modelCfg, "embed_dim", defaults.EmbedDim, source),
            Activation = JsonFields.Bool(modelCfg, "quick_gelu", false, source) ? Activation.QuickGelu : Activation.Gelu,
            Vision = new VisionTowerConfig
            {
                ImageSize = JsonFields.Int(vision, "image_size", defaults.Vision.ImageSize, source),
                Layers = JsonFields.Int(vision, "layers", defaults.Vision.Layers, source),
                Width = JsonFields.Int(vision, "width", defaults.Vision.Width, source),
                PatchSize = JsonFields.Int(vision, "patch_size", defaults.Vision.PatchSize, source),
                HeadWidth = JsonFields.Int(vision, "head_width", defaults.Vision.HeadWidth, source),
                MlpRatio = JsonFields.Double(vision, "mlp_ratio", defaults.Vision.MlpRatio, source),
            },
            Text = new TextTowerConfig
            {
                ContextLength = JsonFields.Int(text, "context_length", defaults.Text.ContextLength, source),
                VocabSize = JsonFields.Int(text, "vocab_size", defaults.Text.VocabSize, source),
                Width = JsonFields.Int(text, "width", defaults.Text.Width, source),
                Heads = JsonFields.Int(text, "heads", defaults.Text.Heads, source),
                Layers = JsonFields.Int(text, "layers", defaults.Text.Layers, source),
                MlpRatio = JsonFields.Double(text, "mlp_ratio", defaults.Text.MlpRatio, source),
            },
        };
        config.Validate();
        return config;
    }

    /// <summary>Parses OpenCLIP model config JSON text.</summary>
    /// <param name="json">The JSON text of a <c>model_cfg</c> object.</param>
    /// <param name="source">File name used in error messages.</param>
    public static ClipConfig Parse(string json, string source)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not valid JSON ({e.Message}).", e);
        }
        return Parse(node as JsonObject ?? throw new FormatException($"{source}: the model config is not a JSON object."), source);
    }

    /// <summary>Writes a config as an OpenCLIP <c>model_cfg</c> object (only <c>quick_gelu</c> when true, as OpenCLIP does).</summary>
    public static JsonObject ToJson(ClipConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var obj = new JsonObject { ["embed_dim"] = config.EmbedDim };
        if (config.Activation == Activation.QuickGelu)
        {
            obj["quick_gelu"] = true;
        }
        obj["vision_cfg"] = new JsonObject
        {
            ["image_size"] = config.Vision.ImageSize,
            ["layers"] = config.Vision.Layers,
            ["width"] = config.Vision.Width,
            ["patch_size"] = config.Vision.PatchSize,
            ["head_width"] = config.Vision.HeadWidth,
            ["mlp_ratio"] = config.Vision.MlpRatio,
        };
        obj["text_cfg"] = new JsonObject
        {
            ["context_length"] = config.Text.ContextLength,
            ["vocab_size"] = config.Text.VocabSize,
            ["width"] = config.Text.Width,
            ["heads"] = config.Text.Heads,
            ["layers"] = config.Text.Layers,
            ["mlp_ratio"] = config.Text.MlpRatio,
        };
        return obj;
    }

    private static void RejectUnknown(JsonObject obj, HashSet<string> known, string where, string source)
    {
        var bad = new List<string>();
        foreach (var (key, value) in obj)
        {
            if (known.Contains(key))
            {
                continue;
            }
            var kind = value?.GetValueKind() ?? JsonValueKind.Null;
            if (NeutralWhenFalseOrNull.TryGetValue(key, out var neutral) && Array.IndexOf(neutral, kind) >= 0)
            {
                continue;
            }
            bad.Add(key);
        }
        if (bad.Count > 0)
        {
            throw new NotSupportedException($"{source}: {where} sets {string.Join(", ", bad)}, which this library does not support (it builds OpenAI-style ViT/Transformer towers only).");
        }
    }
}
