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
        var modelType = root["model_type"]?.GetValue<string>();
        if (modelType is not null && modelType != "clip")
        {
            throw new NotSupportedException($"{source}: model_type '{modelType}' is not a CLIP model (expected 'clip').");
        }
        var text = (root["text_config"] ?? root["text_config_dict"]) as JsonObject ?? [];
        var vision = (root["vision_config"] ?? root["vision_config_dict"]) as JsonObject ?? [];

        // Defaults: transformers' CLIPTextConfig and CLIPVisionConfig.
        var textAct = Str(text, "hidden_act", "quick_gelu", source);
        var visionAct = Str(vision, "hidden_act", "quick_gelu", source);
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

        int textWidth = Int(text, "hidden_size", 512, source);
        int visionWidth = Int(vision, "hidden_size", 768, source);
        int visionHeads = Int(vision, "num_attention_heads", 12, source);
        if (visionHeads <= 0 || visionWidth % visionHeads != 0)
        {
            throw new ArgumentOutOfRangeException("vision_config.num_attention_heads", visionHeads, $"{source}: hidden_size {visionWidth} is not a multiple of num_attention_heads {visionHeads}.");
        }
        var config = new ClipConfig
        {
            EmbedDim = Int(root, "projection_dim", 512, source),
            Activation = activation,
            Vision = new VisionTowerConfig
            {
                ImageSize = Int(vision, "image_size", 224, source),
                PatchSize = Int(vision, "patch_size", 32, source),
                Width = visionWidth,
                Layers = Int(vision, "num_hidden_layers", 12, source),
                HeadWidth = visionWidth / visionHeads,
                MlpRatio = (double)Int(vision, "intermediate_size", 3072, source) / visionWidth,
            },
            Text = new TextTowerConfig
            {
                ContextLength = Int(text, "max_position_embeddings", 77, source),
                VocabSize = Int(text, "vocab_size", 49408, source),
                Width = textWidth,
                Heads = Int(text, "num_attention_heads", 8, source),
                Layers = Int(text, "num_hidden_layers", 12, source),
                MlpRatio = (double)Int(text, "intermediate_size", 2048, source) / textWidth,
            },
        };
        if (Int(vision, "num_channels", 3, source) != 3)
        {
            throw new NotSupportedException($"{source}: vision_config.num_channels must be 3.");
        }
        config.Validate();
        return config;
    }

    private static void CheckEps(JsonObject obj, string source)
    {
        var eps = obj["layer_norm_eps"];
        if (eps is not null && Math.Abs(eps.GetValue<double>() - 1e-5) > 1e-12)
        {
            throw new NotSupportedException($"{source}: layer_norm_eps {eps.GetValue<double>()} is not supported (CLIP uses 1e-5).");
        }
    }

    private static int Int(JsonObject obj, string key, int fallback, string source)
    {
        var node = obj[key];
        if (node is null)
        {
            return fallback;
        }
        if (node is JsonValue v && v.TryGetValue<int>(out var i))
        {
            return i;
        }
        throw new FormatException($"{source}: '{key}' must be an integer, found {node.ToJsonString()}.");
    }

    private static string Str(JsonObject obj, string key, string fallback, string source)
    {
        var node = obj[key];
        if (node is null)
        {
            return fallback;
        }
        if (node is JsonValue v && v.TryGetValue<string>(out var s))
        {
            return s;
        }
        throw new FormatException($"{source}: '{key}' must be a string, found {node.ToJsonString()}.");
    }
}
