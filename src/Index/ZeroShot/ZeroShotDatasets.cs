using System.Collections.Frozen;
using System.Text.Json;
using MultiModal.Encoders.Tokenization;

namespace MultiModal.Index.ZeroShot;

/// <summary>
/// Class names and prompt templates: the built-in sets embedded in this assembly (OpenAI's CLIP notebook and
/// <c>data/prompts.md</c>) and user files.
/// </summary>
/// <remarks>
/// A class-name file holds one name per line (blank lines skipped, surrounding spaces trimmed) or a JSON array of
/// strings. A template file is the same, each template with a <c>{}</c> or <c>{c}</c> placeholder.
/// </remarks>
public static class ZeroShotDatasets
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };
    private static readonly Lazy<FrozenDictionary<string, Resource>> Resources = new(LoadResources);

    /// <summary>The built-in datasets: <c>cifar10</c>, <c>cifar100</c>, <c>fashion-mnist</c>, <c>imagenet1k</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["cifar10", "cifar100", "fashion-mnist", "imagenet1k"];

    /// <summary>The built-in template sets: <c>cifar10</c>, <c>cifar100</c>, <c>fashion-mnist</c> (8), <c>imagenet1k</c> (80), <c>imagenet1k-simple</c> (7).</summary>
    public static IReadOnlyList<string> TemplateSetNames { get; } = ["cifar10", "cifar100", "fashion-mnist", "imagenet1k", "imagenet1k-simple"];

    /// <summary>Whether <paramref name="name"/> is a built-in dataset.</summary>
    public static bool IsKnown(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="name"/> is a built-in template set.</summary>
    public static bool IsKnownTemplateSet(string name) => TemplateSetNames.Contains(name, StringComparer.Ordinal);

    /// <summary>A built-in dataset's class names and default templates.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static ZeroShotDataset Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsKnown(name))
        {
            throw new ArgumentException($"Unknown zero-shot dataset '{name}'; known: {string.Join(", ", Names)}.", nameof(name));
        }
        var resource = Resources.Value[name];
        return new ZeroShotDataset(name, resource.Source, resource.Classes, resource.Templates[name]);
    }

    /// <summary>A built-in template set.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static IReadOnlyList<string> GetTemplates(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsKnownTemplateSet(name))
        {
            throw new ArgumentException($"Unknown template set '{name}'; known: {string.Join(", ", TemplateSetNames)}.", nameof(name));
        }
        return Resources.Value.Values.First(r => r.Templates.ContainsKey(name)).Templates[name];
    }

    /// <summary>Reads class names from a file: one per line, or a JSON array of strings.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, malformed JSON, holds a non-string or blank entry, or
    /// names a class twice (two classes with one prompt cannot be told apart; the built-in imagenet1k set keeps
    /// OpenAI's two "missile" classes, 657 and 744, for fidelity, but a file of one's own should not); names the file and entries.</exception>
    public static IReadOnlyList<string> ReadClassNames(string path)
    {
        var entries = ReadEntries(path, "class name");
        var first = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!first.TryAdd(entry.Text, entry.Where))
            {
                throw new InvalidDataException($"{path}: {entry.Where}: class name '{entry.Text}' repeats {first[entry.Text]}; each class needs a distinct name.");
            }
        }
        return entries.Select(e => e.Text).ToArray();
    }

    /// <summary>Reads templates from a file: one per line, or a JSON array of strings; each needs a placeholder.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">As <see cref="ReadClassNames"/>, or a template without placeholder; names the file and line or entry.</exception>
    public static IReadOnlyList<string> ReadTemplates(string path)
    {
        var templates = ReadEntries(path, "template");
        for (var i = 0; i < templates.Count; i++)
        {
            if (!PromptTemplates.HasPlaceholder(templates[i].Text))
            {
                throw new InvalidDataException($"{path}: {templates[i].Where}: template '{templates[i].Text}' has no '{PromptTemplates.Placeholder}' or '{PromptTemplates.NamedPlaceholder}' placeholder.");
            }
        }
        return templates.Select(t => t.Text).ToArray();
    }

    private static List<Entry> ReadEntries(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        var text = System.Text.Encoding.UTF8.GetString(Encoders.IO.RegularFile.ReadAllBytes(path, maxBytes: 16 << 20)).TrimStart('\uFEFF');
        var entries = new List<Entry>();
        if (text.TrimStart().StartsWith('['))
        {
            JsonElement[] items;
            try
            {
                using var doc = JsonDocument.Parse(text);
                items = doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}: not a valid JSON array of {what}s: {e.Message}", e);
            }
            for (var i = 0; i < items.Length; i++)
            {
                if (items[i].ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(items[i].GetString()))
                {
                    throw new InvalidDataException($"{path}: entry {i}: expected a non-empty string {what}, got {items[i].ValueKind} {items[i].GetRawText()}.");
                }
                entries.Add(new Entry(items[i].GetString()!, $"entry {i}"));
            }
        }
        else
        {
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.Length > 0)
                {
                    entries.Add(new Entry(line, $"line {i + 1}"));
                }
            }
        }
        if (entries.Count == 0)
        {
            throw new InvalidDataException($"{path}: no {what}s (expected one per line or a JSON array of strings).");
        }
        return entries;
    }

    private static FrozenDictionary<string, Resource> LoadResources()
    {
        var assembly = typeof(ZeroShotDatasets).Assembly;
        var result = new Dictionary<string, Resource>(StringComparer.Ordinal);
        foreach (var name in Names)
        {
            var logical = $"MultiModal.Index.ZeroShot.Data.{name}.json";
            using var stream = assembly.GetManifestResourceStream(logical)
                ?? throw new InvalidOperationException($"Embedded resource {logical} is missing from {assembly.GetName().Name}.");
            var json = JsonSerializer.Deserialize<ResourceJson>(stream, JsonOptions)
                ?? throw new InvalidDataException($"{logical}: empty.");
            if (json.Source is null || json.Classes is null || json.Templates is null || !json.Templates.ContainsKey(name))
            {
                throw new InvalidDataException($"{logical}: needs \"source\", \"classes\" and a \"templates\" set named '{name}'.");
            }
            result[name] = new Resource(json.Source, Array.AsReadOnly(json.Classes), json.Templates.ToFrozenDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)Array.AsReadOnly(kv.Value), StringComparer.Ordinal));
        }
        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record Entry(string Text, string Where);

    private sealed record Resource(string Source, IReadOnlyList<string> Classes, FrozenDictionary<string, IReadOnlyList<string>> Templates);

    private sealed record ResourceJson(string? Source, string[]? Classes, Dictionary<string, string[]>? Templates);
}
