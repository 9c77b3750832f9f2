using System.Text.Json;
using System.Text.Json.Serialization;
using MultiModal.Index.Persistence;

namespace MultiModal.Index.Search;

/// <summary>
/// The key → file map of an <see cref="ImageSearchService"/>, saved as <c>catalog.json</c> inside the index directory
/// (listed and checksummed by the index manifest, swapped in with the index). Not thread-safe: the service locks.
/// </summary>
internal sealed class ImageCatalog
{
    public const string FileName = "catalog.json";
    public const string FormatName = "multimodal-image-catalog";
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly Dictionary<long, ImageRecord> _byKey = [];
    private readonly Dictionary<string, ImageRecord> _byPath = new(StringComparer.Ordinal);

    public ImageCatalog(string? modelDirectory, long nextKey = 0)
    {
        ModelDirectory = modelDirectory;
        NextKey = nextKey;
    }

    public string? ModelDirectory { get; }

    /// <summary>The next key to hand out; keys only grow, so a removed file's key is never reused.</summary>
    public long NextKey { get; private set; }

    public int Count => _byKey.Count;

    public IEnumerable<ImageRecord> Records => _byKey.Values;

    public bool TryGet(long key, out ImageRecord? record) => _byKey.TryGetValue(key, out record);

    public bool TryGet(string path, out ImageRecord? record) => _byPath.TryGetValue(path, out record);

    public long AllocateKey() => NextKey++;

    public void Set(ImageRecord record)
    {
        if (_byKey.TryGetValue(record.Key, out var old))
        {
            _byPath.Remove(old.Path);
        }
        _byKey[record.Key] = record;
        _byPath[record.Path] = record;
    }

    public void Remove(long key)
    {
        if (_byKey.Remove(key, out var old))
        {
            _byPath.Remove(old.Path);
        }
    }

    public void Write(string path)
    {
        var file = new CatalogFile
        {
            Format = FormatName,
            Version = CurrentVersion,
            Model = ModelDirectory,
            NextKey = NextKey,
            Images = _byKey.Values.OrderBy(r => r.Key).Select(r => new CatalogEntry
            {
                Key = r.Key, Path = r.Path, Sha256 = r.Sha256, Size = r.Size, LastWriteUtc = r.LastWriteUtc,
            }).ToList(),
        };
        IndexFiles.WriteDurably(path, JsonSerializer.SerializeToUtf8Bytes(file, Json));
    }

    /// <exception cref="IndexFormatException">The catalog is missing or malformed.</exception>
    public static ImageCatalog Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new IndexFormatException(path, "The index has no image catalog (it was not built by ImageSearchService or 'mm index build').");
        }
        CatalogFile? file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize<CatalogFile>(stream, Json);
        }
        catch (JsonException e)
        {
            throw new IndexFormatException(path, $"The catalog is not valid JSON: {e.Message}");
        }
        if (file is null || file.Format != FormatName || file.Images is null)
        {
            throw new IndexFormatException(path, $"Not an image catalog (expected format '{FormatName}').");
        }
        if (file.Version != CurrentVersion)
        {
            throw new IndexFormatException(path, $"Catalog version {file.Version} is not supported (expected {CurrentVersion}).");
        }
        var catalog = new ImageCatalog(file.Model, file.NextKey);
        foreach (var e in file.Images)
        {
            if (e.Path is null || e.Sha256 is null || e.Key < 0 || e.Key >= file.NextKey || catalog._byKey.ContainsKey(e.Key) || catalog._byPath.ContainsKey(e.Path))
            {
                throw new IndexFormatException(path, $"Catalog entry for key {e.Key} is incomplete, duplicated or out of range.");
            }
            catalog.Set(new ImageRecord(e.Key, e.Path, e.Sha256, e.Size, e.LastWriteUtc));
        }
        return catalog;
    }

    /// <summary>Reads only the recorded model directory.</summary>
    public static string? ReadModelDirectory(string path) => Read(path).ModelDirectory;

    private sealed class CatalogFile
    {
        [JsonPropertyName("format")] public string? Format { get; set; }
        [JsonPropertyName("version")] public int Version { get; set; }
        [JsonPropertyName("model")] public string? Model { get; set; }
        [JsonPropertyName("next_key")] public long NextKey { get; set; }
        [JsonPropertyName("images")] public List<CatalogEntry>? Images { get; set; }
    }

    private sealed class CatalogEntry
    {
        [JsonPropertyName("key")] public long Key { get; set; }
        [JsonPropertyName("path")] public string? Path { get; set; }
        [JsonPropertyName("sha256")] public string? Sha256 { get; set; }
        [JsonPropertyName("size")] public long Size { get; set; }
        [JsonPropertyName("last_write_utc")] public DateTime LastWriteUtc { get; set; }
    }
}
