using System.Text.Json.Nodes;

namespace MultiModal.Encoders.Config;

/// <summary>Typed reads of config JSON fields with defaults; a wrong type is a <see cref="FormatException"/> naming the file and field.</summary>
internal static class JsonFields
{
    private delegate bool TryRead<T>(JsonValue value, out T result);

    public static int Int(JsonObject obj, string key, int fallback, string source) => Read(obj, key, fallback, source, "an integer", TryInt);

    public static int Int(JsonNode node, string field, string source) =>
        node is JsonValue v && TryInt(v, out var i) ? i : throw Wrong(source, field, "an integer", node);

    public static double Double(JsonObject obj, string key, double fallback, string source) =>
        Read(obj, key, fallback, source, "a number", (JsonValue v, out double d) => v.TryGetValue(out d));

    public static bool Bool(JsonObject obj, string key, bool fallback, string source) =>
        Read(obj, key, fallback, source, "true or false", (JsonValue v, out bool b) => v.TryGetValue(out b));

    public static string String(JsonObject obj, string key, string fallback, string source) =>
        Read(obj, key, fallback, source, "a string", (JsonValue v, out string s) =>
        {
            var ok = v.TryGetValue(out string? text);
            s = text ?? "";
            return ok && text is not null;
        });

    private static T Read<T>(JsonObject obj, string key, T fallback, string source, string what, TryRead<T> read)
    {
        var node = obj[key];
        if (node is null)
        {
            return fallback;
        }
        return node is JsonValue v && read(v, out var value) ? value : throw Wrong(source, key, what, node);
    }

    // Integers written as 4.0 (Python's json of a float) are accepted when they are whole.
    private static bool TryInt(JsonValue v, out int result)
    {
        if (v.TryGetValue(out result))
        {
            return true;
        }
        if (v.TryGetValue(out double d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue)
        {
            result = (int)d;
            return true;
        }
        return false;
    }

    private static FormatException Wrong(string source, string field, string what, JsonNode node) =>
        new($"{source}: '{field}' must be {what}, found {node.ToJsonString()}.");
}
