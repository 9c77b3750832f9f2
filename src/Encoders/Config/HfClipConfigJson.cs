using System.Text.Json;
using System.Text.Json.Nodes;

namespace MultiModal.Encoders.Config;

/// <summary>
/// Reads Hugging Face transformers' CLIPModel <c>config.json</c> (<c>text_config</c>, <c>vision_config</c>,
/// <c>projection_dim</c>, <c>hidden_act</c>) into a <see cref="ClipConfig"/>. Missing fields take transformers'
/// CLIPTextConfig / CLIPVisionConfig defaults; old files that hold <c>text_config_dict</c> /
/// <c>vision_config_dict</c> instead are read too (transformers kept both for back-compat).
/// </summary>
public static class HfClipConfigJson
{
    /// <summary>Parses the JSON text of a CLIPModel <c>config.json</c>.</summary>
    /// <exception cref="FormatException">The JSON is malformed or a field has the wrong type.</exception>
    /// <exception cref="NotSupportedException">The config is not a CLIP model this library builds.</exception>
    public static ClipConfig Parse(string json, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new FormatException($"{source}: the config is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not valid JSON ({e.Message}).", e);
        }
        var modelType = JsonFields.String(root, "model_type", "clip", source);
        if (modelType != "clip")
        {
            throw new NotSupportedException($"{source}: model_type '{modelType}' is not a CLIP model (expected 'clip').");
        }
        var text = Tower(root, "text_config", source);
        var vision = Tower(root, "vision_config", source);

        // Defaults: transformers' CLIPTextConfig and CLIPVisionConfig.
        var textAct = JsonFields.String(text, "hidden_act", "quick_gelu", source);
        var visionAct = JsonFields.String(vision, "hidden_act", "quick_gelu", source);
        if (textAct != visionAct)
        {
            throw new NotSupportedException($"{source}: the towers use different activations ({textAct} vs {visionAct}); this library uses one for both.");
        }
        var activation = textAct switch
        {
            "quick_gelu" => Activation.QuickGelu,
            "gelu" => Activation.Gelu,
            _ => throw new NotSupportedException($"{source}: hidden_act '{textAct}' is not supported (quick_gelu or gelu)."),
        };
        CheckEps(text, source);
        CheckEps(vision, source);

        int textWidth = JsonFields.Int(text, "hidden_size", 512, source);
        int visionWidth = JsonFields.Int(vision, "hidden_size", 768, source);
        int visionHeads = JsonFields.Int(vision, "num_attention_heads", 12, source);
        if (visionHeads <= 0 || visionWidth % visionHeads != 0)
        {
            throw new ArgumentOutOfRangeException("vision_config.num_attention_heads", visionHeads, $"{source}: hidden_size {visionWidth} is not a multiple of num_attention_heads {visionHeads}.");
        }
        var config = new ClipConfig
        {
            EmbedDim = JsonFields.Int(root, "projection_dim", 512, source),
            Activation = activation,
            Vision = new VisionTowerConfig
            {
                ImageSize = JsonFields.Int(vision, "image_size", 224, source),
                PatchSize = JsonFields.Int(vision, "patch_size", 32, source),
                Width = visionWidth,
                Layers = JsonFields.Int(vision, "num_hidden_layers", 12, source),
                HeadWidth = visionWidth / visionHeads,
                MlpRatio = RatioGiving(JsonFields.Int(vision, "intermediate_size", 3072, source), visionWidth),
            },
            Text = new TextTowerConfig
            {
                ContextLength = JsonFields.Int(text, "max_position_embeddings", 77, source),
                VocabSize = JsonFields.Int(text, "vocab_size", 49408, source),
                Width = textWidth,
                Heads = JsonFields.Int(text, "num_attention_heads", 8, source),
                Layers = JsonFields.Int(text, "num_hidden_layers", 12, source),
                MlpRatio = RatioGiving(JsonFields.Int(text, "intermediate_size", 2048, source), textWidth),
            },
        };
        if (JsonFields.Int(vision, "num_channels", 3, source) != 3)
        {
            throw new NotSupportedException($"{source}: vision_config.num_channels must be 3.");
        }
        config.Validate();
        return config;
    }

    /// <summary>
    /// <c>text_config</c> / <c>vision_config</c> (or the legacy <c>*_dict</c> spelling); absent or null means all
    /// defaults, but any other non-object is an error rather than a silent fall back to the defaults.
    /// </summary>
    internal static JsonObject Tower(JsonObject root, string field, string source)
    {
        var name = root[field] is not null ? field : root[field + "_dict"] is not null ? field + "_dict" : field;
        return root[name] switch
        {
            null => [],
            JsonObject o => o,
            var other => throw new FormatException($"{source}: '{name}' must be an object, found {other.ToJsonString()}."),
        };
    }

    /// <summary>
    /// The mlp_ratio whose <c>(int)(width · ratio)</c> is exactly <paramref name="hidden"/>: the plain quotient can land one
    /// ulp low (width 176, intermediate_size 240 gave 239), which made valid checkpoints fail as mis-shaped.
    /// </summary>
    private static double RatioGiving(int hidden, int width)
    {
        if (hidden <= 0 || width <= 0)
        {
            return (double)hidden / width; // Validate names the field
        }
        var ratio = (double)hidden / width;
        while ((int)(width * ratio) < hidden)
        {
            ratio = Math.BitIncrement(ratio);
        }
        return ratio;
    }

    private static void CheckEps(JsonObject obj, string source)
    {
        var eps = JsonFields.Double(obj, "layer_norm_eps", 1e-5, source);
        if (Math.Abs(eps - 1e-5) > 1e-12)
        {
            throw new NotSupportedException($"{source}: layer_norm_eps {eps} is not supported (CLIP uses 1e-5).");
        }
    }
}
