using System.Globalization;
using System.Text.Json;
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
            var size = sizeNode is JsonArray a ? Ints(a, "preprocess_cfg.size", source) : [JsonFields.Int(sizeNode, "preprocess_cfg.size", source)];
            if (size.Any(s => s != imageSize))
            {
                throw new NotSupportedException($"{source}: preprocess_cfg.size {sizeNode.ToJsonString()} differs from the image tower's image_size {imageSize}.");
            }
        }
        var mode = JsonFields.String(cfg, "mode", "RGB", source);
        if (mode != "RGB")
        {
            throw new NotSupportedException($"{source}: preprocess_cfg.mode '{mode}' is not supported (CLIP towers take RGB).");
        }
        options = options with
        {
            Mean = Rgb(cfg, "mean", options.Mean, positive: false, source),
            Std = Rgb(cfg, "std", options.Std, positive: true, source),
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
        // OpenCLIP pads the 'longest' resize with fill_color; this library pads with 0.
        var fill = JsonFields.Double(cfg, "fill_color", 0, source);
        if (fill != 0 && options.ResizeMode == ImageResizeMode.Longest)
        {
            throw new NotSupportedException($"{source}: preprocess_cfg.fill_color {fill} is not supported (padding is 0).");
        }
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
        // CLIPImageProcessor.resize: {shortest_edge} (or a bare int) keeps the aspect ratio, {height, width} resizes to
        // exactly that size (a squash), anything else is an error there too.
        var (resize, resizeMode) = cfg["size"] switch
        {
            null => (imageSize, ImageResizeMode.Shortest),
            JsonObject o when o["shortest_edge"] is JsonNode e => (JsonFields.Int(e, "size.shortest_edge", source), ImageResizeMode.Shortest),
            JsonObject o => (SameHeightWidth(o, "size", source), ImageResizeMode.Squash),
            var n => (JsonFields.Int(n, "size", source), ImageResizeMode.Shortest),
        };
        if (crop != imageSize || resize != imageSize)
        {
            throw new NotSupportedException($"{source}: resize to {resize} and crop to {crop} px; only resize = crop = image_size ({imageSize}) is supported, as CLIP uses.");
        }
        if (!JsonFields.Bool(cfg, "do_center_crop", true, source) || !JsonFields.Bool(cfg, "do_resize", true, source) || !JsonFields.Bool(cfg, "do_normalize", true, source))
        {
            throw new NotSupportedException($"{source}: do_resize, do_center_crop and do_normalize must all be true for CLIP preprocessing.");
        }
        if (!JsonFields.Bool(cfg, "do_rescale", true, source))
        {
            throw new NotSupportedException($"{source}: do_rescale must be true (pixels are scaled by 1/255 before normalising).");
        }
        var rescale = JsonFields.Double(cfg, "rescale_factor", 1.0 / 255, source);
        if (Math.Abs(rescale - (1.0 / 255)) > 1e-9)
        {
            throw new NotSupportedException($"{source}: rescale_factor {rescale} is not supported (only 1/255 = 0.00392156862745098).");
        }
        JsonFields.Bool(cfg, "do_convert_rgb", true, source); // images are always converted to RGB; only the type is checked
        options = options with
        {
            Mean = Rgb(cfg, "image_mean", options.Mean, positive: false, source),
            Std = Rgb(cfg, "image_std", options.Std, positive: true, source),
            ResizeMode = resizeMode,
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

    /// <summary>
    /// A per-channel mean or std: absent or null gives <paramref name="fallback"/>; a number applies to all three channels
    /// (as OpenCLIP and transformers accept); a list must hold three numbers. Every value must be finite, and positive
    /// for a std. Anything else is a <see cref="FormatException"/> naming the file and the field, never a silent default.
    /// </summary>
    private static RgbValues Rgb(JsonObject cfg, string field, RgbValues fallback, bool positive, string source)
    {
        var node = cfg[field];
        float[] v = node switch
        {
            null => [fallback.Red, fallback.Green, fallback.Blue],
            JsonArray a when a.Count == 3 => [.. a.Select(n => Number(n, field, node, source))],
            JsonArray a => throw new FormatException($"{source}: {field} must have 3 values (R, G, B), found {a.Count}: {node.ToJsonString()}."),
            JsonValue => [Number(node, field, node, source), Number(node, field, node, source), Number(node, field, node, source)],
            _ => throw new FormatException($"{source}: {field} must be a list of 3 numbers, found {node.ToJsonString()}."),
        };
        if (v.Any(x => !float.IsFinite(x)))
        {
            throw new FormatException($"{source}: {field} must hold finite float values, found {node!.ToJsonString()}.");
        }
        if (positive && v.Any(x => x <= 0))
        {
            throw new FormatException($"{source}: {field} values must be positive (they divide the pixels), found {node!.ToJsonString()}.");
        }
        return new RgbValues(v[0], v[1], v[2]);
    }

    private static float Number(JsonNode? n, string field, JsonNode whole, string source) =>
        n is JsonValue j && j.GetValueKind() == JsonValueKind.Number && (j.TryGetValue<double>(out var d) || (j.TryGetValue<float>(out var f) && (d = f) == f))
            ? (float)d // past float's range this is ±∞, which the caller reports as not finite
            : throw new FormatException($"{source}: {field} must hold numbers, found {whole.ToJsonString()}.");
}
