using System.Text.Json;
using System.Text.Json.Nodes;

namespace MultiModal.Encoders.Dual;

/// <summary>The contents of <c>dual_encoder.json</c>: the two tower names, their feature widths and the shared width.</summary>
internal sealed record DualEncoderManifest(string ImageTower, int ImageFeatureDim, string TextTower, int TextFeatureDim, int EmbedDim)
{
    public string ToJson(string format, int version) => new JsonObject
    {
        ["format"] = format,
        ["format_version"] = version,
        ["image_tower"] = new JsonObject { ["name"] = ImageTower, ["feature_dim"] = ImageFeatureDim },
        ["text_tower"] = new JsonObject { ["name"] = TextTower, ["feature_dim"] = TextFeatureDim },
        ["embed_dim"] = EmbedDim,
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <exception cref="FormatException">Malformed: names the file and the field.</exception>
    public static DualEncoderManifest Read(string path, string format, int version)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException($"{path}: not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: not valid JSON ({e.Message}).", e);
        }
        var found = String(root, "format", path);
        if (found != format)
        {
            throw new FormatException($"{path}: format is '{found}', expected '{format}'.");
        }
        var foundVersion = Int(root, "format_version", path);
        if (foundVersion < 1 || foundVersion > version)
        {
            throw new FormatException($"{path}: format_version {foundVersion} is not supported (this library reads 1..{version}).");
        }
        var image = root["image_tower"] as JsonObject ?? throw new FormatException($"{path}: image_tower is missing or not an object.");
        var text = root["text_tower"] as JsonObject ?? throw new FormatException($"{path}: text_tower is missing or not an object.");
        return new DualEncoderManifest(
            String(image, "name", path, "image_tower."), Int(image, "feature_dim", path, "image_tower."),
            String(text, "name", path, "text_tower."), Int(text, "feature_dim", path, "text_tower."),
            Int(root, "embed_dim", path));
    }

    private static string String(JsonObject node, string field, string path, string prefix = "")
    {
        try
        {
            var value = node[field]?.GetValue<string>();
            return string.IsNullOrWhiteSpace(value) ? throw new FormatException($"{path}: {prefix}{field} is missing or empty.") : value;
        }
        catch (InvalidOperationException)
        {
            throw new FormatException($"{path}: {prefix}{field} must be a string.");
        }
    }

    private static int Int(JsonObject node, string field, string path, string prefix = "")
    {
        var raw = node[field] ?? throw new FormatException($"{path}: {prefix}{field} is missing.");
        if (raw is not JsonValue value || !value.TryGetValue<int>(out var number) || number <= 0)
        {
            throw new FormatException($"{path}: {prefix}{field} must be a positive integer, got {raw.ToJsonString()}.");
        }
        return number;
    }
}
