using System.Text.Json;
using System.Text.Json.Serialization;

namespace MultiModal.Index.Persistence;

/// <summary>
/// <c>manifest.json</c> of a saved index directory: what the index is and, per data file, its size and SHA-256.
/// Written last, so a directory whose manifest parses was saved completely.
/// </summary>
internal sealed record IndexManifest
{
    public const string FileName = "manifest.json";
    public const string FormatName = "multimodal-index";
    public const int CurrentVersion = 1;

    /// <summary>The widest vectors an index holds (CLIP's widest embedding is 1024; 65,536 leaves room without letting a
    /// hostile manifest size buffers in gigabytes).</summary>
    public const int MaxDimensions = 1 << 16;

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentVersion;
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("metric")] public required string Metric { get; init; }
    [JsonPropertyName("dimensions")] public required int Dimensions { get; init; }
    [JsonPropertyName("count")] public required long Count { get; init; }
    [JsonPropertyName("dtype")] public required string Dtype { get; init; }
    [JsonPropertyName("files")] public required Dictionary<string, ManifestFile> Files { get; init; }

    // Kind-specific build settings: HNSW only (null, and left out of the file, for flat).
    [JsonPropertyName("M"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? M { get; init; }
    [JsonPropertyName("ef_construction"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? EfConstruction { get; init; }
    [JsonPropertyName("ef_search"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? EfSearch { get; init; }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The manifest's name for <paramref name="metric"/> (the enum name: <c>InnerProduct</c>, <c>Cosine</c>, <c>L2</c>).</summary>
    public static string MetricName(Metric metric) =>
        Enum.IsDefined(metric) ? metric.ToString() : throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric.");

    /// <summary>Parses <see cref="Metric"/>; throws <see cref="IndexFormatException"/> naming the manifest when it is unknown.</summary>
    public Metric ParseMetric(string directory) =>
        Enum.GetValues<Metric>().Where(m => m.ToString() == Metric).Cast<Metric?>().FirstOrDefault()
            ?? throw new IndexFormatException(Path.Combine(directory, FileName), $"Unknown metric '{Metric}'.");

    /// <summary>Reads and checks the format header; <see cref="IndexFormatException"/> names the manifest on any problem.</summary>
    public static IndexManifest Read(string directory, string? expectedKind)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new IndexFormatException(path, "The manifest is missing: not a saved index directory.");
        }
        IndexManifest? manifest;
        try
        {
            // A manifest is a few hundred bytes; 1 MiB bounds what a hostile one can make us read.
            manifest = JsonSerializer.Deserialize<IndexManifest>(Encoders.IO.RegularFile.ReadAllBytes(path, maxBytes: 1 << 20), Json);
        }
        catch (JsonException e)
        {
            throw new IndexFormatException(path, $"The manifest is not valid JSON: {e.Message}", e);
        }
        if (manifest is null || manifest.Format != FormatName)
        {
            throw new IndexFormatException(path, $"Format is '{manifest?.Format}', expected '{FormatName}'.");
        }
        if (manifest.FormatVersion != CurrentVersion)
        {
            throw new IndexFormatException(path, $"Format version {manifest.FormatVersion} is not supported (expected {CurrentVersion}).");
        }
        if (expectedKind is not null && manifest.Kind != expectedKind)
        {
            throw new IndexFormatException(path, $"Index kind is '{manifest.Kind}', expected '{expectedKind}'.");
        }
        if (manifest.Dimensions <= 0 || manifest.Dimensions > MaxDimensions || manifest.Count < 0 || manifest.Count > int.MaxValue)
        {
            throw new IndexFormatException(path, $"Dimensions {manifest.Dimensions} / count {manifest.Count} are out of range (dimensions 1..{MaxDimensions}).");
        }
        // Fields the serializer leaves null when the JSON says null or omits them.
        if (manifest.Kind is null || manifest.Metric is null || manifest.Dtype is null || manifest.Files is null)
        {
            throw new IndexFormatException(path, "The manifest lacks kind, metric, dtype or files.");
        }
        foreach (var (name, file) in manifest.Files)
        {
            if (file is null || file.Sha256 is null || file.Bytes < 0)
            {
                throw new IndexFormatException(path, $"The entry for '{name}' lacks bytes or sha256.");
            }
        }
        return manifest;
    }
}

/// <summary>Size and SHA-256 (lower-case hex) of one data file.</summary>
internal sealed record ManifestFile(
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256);
