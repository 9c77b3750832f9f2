using System.Security.Cryptography;
using System.Text.Json;

namespace MultiModal.Index.Hnsw;

/// <summary>
/// The on-disk layout of an <see cref="HnswIndex"/>: a directory holding <c>manifest.json</c>
/// (<c>{"format": "multimodal-index", "format_version": 1, "kind": "hnsw", "metric", "dimensions", "count", "M",
/// "ef_construction", "ef_search", "files": {name: {"bytes", "sha256"}}}</c>) and USearch's own graph file
/// <c>graph.usearch</c>, which also holds the keys and vectors.
/// </summary>
/// <remarks>
/// Saving writes a sibling temp directory, flushes it, then swaps it in with two renames, so a reader sees the old
/// index or the new one, never a mix. Loading checks every listed file's size and SHA-256 before the native reader
/// sees it, so damaged files raise <see cref="HnswIndexFormatException"/> naming the file instead of crashing.
/// </remarks>
internal static class HnswStore
{
    public const string Format = "multimodal-index";
    public const int FormatVersion = 1;
    public const string Kind = "hnsw";
    public const string ManifestName = "manifest.json";
    public const string GraphName = "graph.usearch";

    /// <summary>Saves <paramref name="index"/> (caller holds its write lock).</summary>
    public static void Save(HnswIndex index, string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var target = Path.GetFullPath(directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"{directory} has no parent directory.", nameof(directory));
        Directory.CreateDirectory(parent);
        var name = Path.GetFileName(target);
        var temp = Path.Combine(parent, $".{name}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            var graph = Path.Combine(temp, GraphName);
            index.SaveGraph(graph);
            using (var stream = new FileStream(graph, FileMode.Open, FileAccess.ReadWrite))
            {
                stream.Flush(flushToDisk: true);
            }

            WriteManifest(index, Path.Combine(temp, ManifestName), (GraphName, new FileInfo(graph).Length, Sha256(graph)));
            Swap(temp, target, parent, name);
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }

            throw;
        }
    }

    /// <summary>Loads and checks a saved index.</summary>
    public static HnswIndex Load(string directory, int threads)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: no saved index directory.");
        }

        var manifestPath = Path.Combine(directory, ManifestName);
        if (!File.Exists(manifestPath))
        {
            throw new HnswIndexFormatException(manifestPath, "missing.");
        }

        Manifest manifest;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
            manifest = ReadManifest(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or ArgumentOutOfRangeException)
        {
            throw new HnswIndexFormatException(manifestPath, $"not a valid HNSW manifest: {e.Message}", e);
        }

        foreach (var (fileName, bytes, sha256) in manifest.Files)
        {
            var path = Path.Combine(directory, fileName);
            if (!File.Exists(path))
            {
                throw new HnswIndexFormatException(path, "missing (listed in manifest.json).");
            }

            var length = new FileInfo(path).Length;
            if (length != bytes)
            {
                throw new HnswIndexFormatException(path, $"{length} bytes, but manifest.json says {bytes} (truncated or altered).");
            }

            if (!string.Equals(Sha256(path), sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new HnswIndexFormatException(path, "SHA-256 does not match manifest.json (corrupted).");
            }
        }

        var graphPath = Path.Combine(directory, GraphName);
        if (!manifest.Files.Any(f => f.Name == GraphName))
        {
            throw new HnswIndexFormatException(manifestPath, $"does not list {GraphName}.");
        }

        var options = new HnswOptions { M = manifest.M, EfConstruction = manifest.EfConstruction, EfSearch = manifest.EfSearch, Threads = threads };
        options.Validate();
        HnswIndex index;
        try
        {
            index = HnswIndex.FromLoaded(manifest.Dimensions, manifest.Metric, options, graphPath);
        }
        catch (InvalidOperationException e)
        {
            throw new HnswIndexFormatException(graphPath, $"USearch could not read it: {e.Message}", e);
        }

        var stored = index.NativeCount;
        if (stored != manifest.Count)
        {
            index.Dispose();
            throw new HnswIndexFormatException(graphPath, $"holds {stored} vectors, but manifest.json says {manifest.Count}.");
        }

        return index;
    }

    private static void WriteManifest(HnswIndex index, string path, (string Name, long Bytes, string Sha256) graph)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("format_version", FormatVersion);
            json.WriteString("kind", Kind);
            json.WriteString("metric", MetricName(index.Metric));
            json.WriteNumber("dimensions", index.Dimensions);
            json.WriteNumber("count", index.NativeCount);
            json.WriteNumber("M", index.Options.M);
            json.WriteNumber("ef_construction", index.Options.EfConstruction);
            json.WriteNumber("ef_search", index.EfSearch);
            json.WriteStartObject("files");
            json.WriteStartObject(graph.Name);
            json.WriteNumber("bytes", graph.Bytes);
            json.WriteString("sha256", graph.Sha256);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        stream.Flush(flushToDisk: true);
    }

    private static Manifest ReadManifest(JsonElement root)
    {
        var format = root.GetProperty("format").GetString();
        var version = root.GetProperty("format_version").GetInt32();
        var kind = root.GetProperty("kind").GetString();
        if (format != Format || version != FormatVersion || kind != Kind)
        {
            throw new FormatException($"expected format {Format} version {FormatVersion} kind {Kind}, found {format} version {version} kind {kind}.");
        }

        var metricName = root.GetProperty("metric").GetString();
        var metric = Enum.GetValues<Metric>().Where(m => MetricName(m) == metricName).Cast<Metric?>().FirstOrDefault()
            ?? throw new FormatException($"unknown metric '{metricName}'.");
        var dimensions = root.GetProperty("dimensions").GetInt32();
        var count = root.GetProperty("count").GetInt64();
        if (dimensions < 1 || count < 0)
        {
            throw new FormatException($"dimensions {dimensions} and count {count} must be positive and non-negative.");
        }

        var files = root.GetProperty("files").EnumerateObject()
            .Select(f => (Name: CheckName(f.Name), Bytes: f.Value.GetProperty("bytes").GetInt64(), Sha256: f.Value.GetProperty("sha256").GetString() ?? ""))
            .ToList();
        return new Manifest(metric, dimensions, count, root.GetProperty("M").GetInt32(),
            root.GetProperty("ef_construction").GetInt32(), root.GetProperty("ef_search").GetInt32(), files);
    }

    // A listed file must sit in the index directory itself: no paths that climb out of it.
    private static string CheckName(string name) =>
        name.Length > 0 && name == Path.GetFileName(name) && name is not ("." or "..") ? name : throw new FormatException($"bad file name '{name}'.");

    private static string MetricName(Metric metric) => metric switch
    {
        Metric.InnerProduct => "inner_product",
        Metric.Cosine => "cosine",
        Metric.L2 => "l2",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void Swap(string temp, string target, string parent, string name)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(temp, target);
            return;
        }

        var old = Path.Combine(parent, $".{name}.old-{Guid.NewGuid():N}");
        Directory.Move(target, old);
        try
        {
            Directory.Move(temp, target);
        }
        catch
        {
            Directory.Move(old, target);
            throw;
        }

        Directory.Delete(old, recursive: true);
    }

    private sealed record Manifest(Metric Metric, int Dimensions, long Count, int M, int EfConstruction, int EfSearch, List<(string Name, long Bytes, string Sha256)> Files);
}
