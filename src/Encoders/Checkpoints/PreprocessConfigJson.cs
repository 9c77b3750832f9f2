using System.Globalization;
using System.Text.Json.Nodes;
using MultiModal.Encoders.Config;
using MultiModal.Encoders.Imaging;

namespace MultiModal.Encoders.Checkpoints;

/// <summary>
/// Image preprocessing settings as model folders store them: OpenCLIP's <c>preprocess_cfg</c> (<c>mean</c>,
/// <c>std</c>, <c>interpolation</c>, <c>resize_mode</c>) and Hugging Face's <c>preprocessor_config.json</c>
/// (CLIPImageProcessor: <c>image_mean</c>, <c>image_std</c>, <c>resample</c>, <c>size</c>, <c>crop_size</c>).
/// </summary>
internal static class PreprocessConfigJson
{
    public static ImagePreprocessOptions FromOpenClip(JsonObject? cfg, int imageSize, string source)
    {
        var options = new ImagePreprocessOptions { ImageSize = imageSize };
        if (cfg is null)
        {
            return options;
        }
        if (cfg["size"] is JsonNode sizeNode)
        {
            var size = sizeNode is JsonArray a ? Ints(a, "size", source) : [JsonFields.Int(sizeNode, "size", source)];
            if (size.Any(s => s != imageSize))
            {
                throw new NotSupportedException($"{source}: preprocess_cfg.size {sizeNode.ToJsonString()} differs from the image tower's image_size {imageSize}.");
            }
        }
        options = options with
        {
            Mean = cfg["mean"] is JsonArray mean ? Floats(mean, "mean", source) : options.Mean,
            Std = cfg["std"] is JsonArray std ? Floats(std, "std", source) : options.Std,
            Interpolation = JsonFields.String(cfg, "interpolation", "bicubic", source) switch
            {
                "bicubic" => ImageInterpolation.Bicubic,
                "bilinear" => ImageInterpolation.Bilinear,
                var other => throw new NotSupportedException($"{source}: preprocess_cfg.interpolation '{other}' is not supported (bicubic or bilinear)."),
            },
            ResizeMode = JsonFields.String(cfg, "resize_mode", "shortest", source) switch
            {
                "shortest" => ImageResizeMode.Shortest,
                "longest" => ImageResizeMode.Longest,
                "squash" => ImageResizeMode.Squash,
                var other => throw new NotSupportedException($"{source}: preprocess_cfg.resize_mode '{other}' is not supported (shortest, longest or squash)."),
            },
        };
        Validate(options, source);
        return options;
    }

    public static ImagePreprocessOptions FromHuggingFace(JsonObject cfg, int imageSize, string source)
    {
        var options = new ImagePreprocessOptions { ImageSize = imageSize };
        int crop = cfg["crop_size"] switch
        {
            null => imageSize,
            JsonObject o => SameHeightWidth(o, "crop_size", source),
            var n => JsonFields.Int(n, "crop_size", source),
        };
        int resize = cfg["size"] switch
        {
            null => imageSize,
            JsonObject o when o["shortest_edge"] is JsonNode e => JsonFields.Int(e, "size.shortest_edge", source),
            JsonObject o => SameHeightWidth(o, "size", source),
            var n => JsonFields.Int(n, "size", source),
        };
        if (crop != imageSize || resize != imageSize)
        {
            throw new NotSupportedException($"{source}: resize to {resize} and crop to {crop} px; only resize = crop = image_size ({imageSize}) is supported, as CLIP uses.");
        }
        if (!JsonFields.Bool(cfg, "do_center_crop", true, source) || !JsonFields.Bool(cfg, "do_resize", true, source) || !JsonFields.Bool(cfg, "do_normalize", true, source))
        {
            throw new NotSupportedException($"{source}: do_resize, do_center_crop and do_normalize must all be true for CLIP preprocessing.");
        }
        options = options with
        {
            Mean = cfg["image_mean"] is JsonArray mean ? Floats(mean, "image_mean", source) : options.Mean,
            Std = cfg["image_std"] is JsonArray std ? Floats(std, "image_std", source) : options.Std,
            // PIL resample codes: 2 = BILINEAR, 3 = BICUBIC (CLIPImageProcessor's default).
            Interpolation = cfg["resample"] is JsonNode r
                ? JsonFields.Int(r, "resample", source) switch
                {
                    3 => ImageInterpolation.Bicubic,
                    2 => ImageInterpolation.Bilinear,
                    var other => throw new NotSupportedException($"{source}: resample {other} is not supported (3 = bicubic, 2 = bilinear)."),
                }
                : ImageInterpolation.Bicubic,
        };
        Validate(options, source);
        return options;
    }

    public static JsonObject ToOpenClip(ImagePreprocessOptions options) => new()
    {
        ["size"] = options.ImageSize,
        ["mean"] = Array(options.Mean),
        ["std"] = Array(options.Std),
        ["interpolation"] = options.Interpolation == ImageInterpolation.Bilinear ? "bilinear" : "bicubic",
        ["resize_mode"] = options.ResizeMode switch
        {
            ImageResizeMode.Longest => "longest",
            ImageResizeMode.Squash => "squash",
            _ => "shortest",
        },
    };

    // Shortest decimal form of each float (0.48145466, not 0.4814546597003937), parsed back to the same float.
    private static JsonArray Array(RgbValues v) =>
        new(Shortest(v.Red), Shortest(v.Green), Shortest(v.Blue));

    private static double Shortest(float f) => double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static void Validate(ImagePreprocessOptions options, string source)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FormatException($"{source}: invalid preprocessing settings: {e.Message}", e);
        }
    }

    private static int SameHeightWidth(JsonObject o, string field, string source)
    {
        int h = JsonFields.Int(o["height"] ?? throw new FormatException($"{source}: {field}.height is missing."), field + ".height", source);
        int w = JsonFields.Int(o["width"] ?? throw new FormatException($"{source}: {field}.width is missing."), field + ".width", source);
        return h == w ? h : throw new NotSupportedException($"{source}: {field} {h}×{w} is not square.");
    }

    private static int[] Ints(JsonArray a, string field, string source) => [.. a.Select(n => JsonFields.Int(n ?? JsonValue.Create(0), field, source))];

    private static RgbValues Floats(JsonArray a, string field, string source)
    {
        if (a.Count != 3)
        {
            throw new FormatException($"{source}: {field} must have 3 values (R, G, B), found {a.Count}.");
        }
        var v = a.Select(n => n is JsonValue j && (j.TryGetValue<double>(out var d) || (j.TryGetValue<float>(out var f) && (d = f) == f)) ? (float)d : throw new FormatException($"{source}: {field} must hold numbers, found {a.ToJsonString()}.")).ToArray();
        return new RgbValues(v[0], v[1], v[2]);
    }
}
