using System.Collections.Frozen;

namespace MultiModal.Encoders.Config;

/// <summary>
/// The built-in named architectures (<c>ViT-B-32</c>, <c>ViT-B-16</c>, <c>ViT-L-14</c>, <c>ViT-L-14-336</c> and their
/// <c>-quickgelu</c> variants), stored as OpenCLIP model config JSON files embedded in this assembly.
/// </summary>
public static class ClipArchitectures
{
    private const string Prefix = "MultiModal.Encoders.Architectures.";

    private static readonly Lazy<FrozenDictionary<string, ClipConfig>> All = new(LoadAll);

    /// <summary>The architecture names, sorted.</summary>
    public static IReadOnlyList<string> Names => [.. All.Value.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Returns the named architecture.</summary>
    /// <exception cref="KeyNotFoundException">The name is not built in; the message lists the known names.</exception>
    public static ClipConfig Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.Value.TryGetValue(name, out var config)
            ? config
            : throw new KeyNotFoundException($"Unknown architecture '{name}'. Known: {string.Join(", ", Names)}.");
    }

    /// <summary>Tries to find the named architecture.</summary>
    public static bool TryGet(string name, out ClipConfig config)
    {
        ArgumentNullException.ThrowIfNull(name);
        var found = All.Value.TryGetValue(name, out var c);
        config = c ?? new ClipConfig();
        return found;
    }

    private static FrozenDictionary<string, ClipConfig> LoadAll()
    {
        var asm = typeof(ClipArchitectures).Assembly;
        var result = new Dictionary<string, ClipConfig>(StringComparer.Ordinal);
        foreach (var resource in asm.GetManifestResourceNames())
        {
            if (!resource.StartsWith(Prefix, StringComparison.Ordinal) || !resource.EndsWith(".json", StringComparison.Ordinal))
            {
                continue;
            }
            var name = resource[Prefix.Length..^".json".Length];
            using var stream = asm.GetManifestResourceStream(resource) ?? throw new InvalidOperationException($"Resource {resource} vanished.");
            using var reader = new StreamReader(stream);
            result[name] = OpenClipConfigJson.Parse(reader.ReadToEnd(), resource);
        }
        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
