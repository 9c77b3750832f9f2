using System.Security.Cryptography;
using System.Text.Json;

namespace MultiModal.Index.Persistence;

/// <summary>
/// Saving and checking index directories, shared by every index kind. Save protocol: write all files into the
/// sibling <c>NAME.saving</c>, fsync them, write <c>manifest.json</c> last (fsynced), then swap: rename
/// <c>NAME</c> → <c>NAME.old</c>, <c>NAME.saving</c> → <c>NAME</c>, delete <c>NAME.old</c>. <see cref="Recover"/>
/// (run before every save and load) finishes or undoes an interrupted swap, so a kill at any moment leaves the old
/// or the new index. Used by the flat index (vectors, <c>keys.i64</c>, <c>metadata.jsonl</c>) and the HNSW index
/// (USearch's <c>graph.usearch</c>, fsynced with <see cref="FlushToDisk"/>).
/// </summary>
internal static class IndexFiles
{
    public const string KeysFile = "keys.i64";
    public const string MetadataFile = "metadata.jsonl";

    /// <summary>Test hook: called with the step name ("files-written", "old-moved-aside"); throwing simulates a crash there.</summary>
    internal static Action<string>? FaultInjection { get; set; }

    /// <summary>
    /// Writes a new index directory at <paramref name="directory"/> atomically. <paramref name="write"/> writes the data
    /// files into the temp directory it is given (and fsyncs them); the manifest is built from their sizes and hashes.
    /// </summary>
    public static void SaveAtomically(string directory, Func<Dictionary<string, ManifestFile>, IndexManifest> manifest, Action<string> write)
    {
        directory = Path.GetFullPath(directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var parent = Path.GetDirectoryName(directory) ?? throw new ArgumentException("The index directory needs a parent.", nameof(directory));
        Directory.CreateDirectory(parent);
        Recover(directory);
        var temp = directory + ".saving";
        var old = directory + ".old";
        Directory.CreateDirectory(temp);
        try
        {
            write(temp);
            var files = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
            foreach (var file in Directory.GetFiles(temp).Order(StringComparer.Ordinal))
            {
                files[Path.GetFileName(file)] = new ManifestFile(new FileInfo(file).Length, Sha256Of(file));
            }
            FaultInjection?.Invoke("files-written");
            WriteDurably(Path.Combine(temp, IndexManifest.FileName), System.Text.Encoding.UTF8.GetBytes(manifest(files).ToJson()));
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }
        // The new directory is complete (manifest written last); from here Recover rolls forward.
        if (Directory.Exists(directory))
        {
            Directory.Move(directory, old);
        }
        FaultInjection?.Invoke("old-moved-aside");
        Directory.Move(temp, directory);
        if (Directory.Exists(old))
        {
            Directory.Delete(old, recursive: true);
        }
    }

    /// <summary>
    /// Finishes or undoes an interrupted save: with <paramref name="directory"/> missing, a complete
    /// <c>.saving</c> (manifest present) is moved in, else <c>.old</c> is moved back; leftovers are deleted.
    /// </summary>
    public static void Recover(string directory)
    {
        directory = Path.GetFullPath(directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var temp = directory + ".saving";
        var old = directory + ".old";
        if (!Directory.Exists(directory))
        {
            if (Directory.Exists(temp) && File.Exists(Path.Combine(temp, IndexManifest.FileName)))
            {
                Directory.Move(temp, directory);
            }
            else if (Directory.Exists(old))
            {
                Directory.Move(old, directory);
            }
        }
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }
        if (Directory.Exists(old))
        {
            Directory.Delete(old, recursive: true);
        }
    }

    /// <summary>
    /// The start of every load: finishes or undoes an interrupted save, checks the directory exists and reads its
    /// manifest of kind <paramref name="kind"/> (any kind when null). Returns the full directory path and the manifest.
    /// </summary>
    public static (string Directory, IndexManifest Manifest) OpenForLoad(string directory, string? kind)
    {
        directory = Path.GetFullPath(directory);
        Recover(directory);
        if (!Directory.Exists(directory))
        {
            throw new IndexFormatException(directory, "The index directory does not exist.");
        }
        return (directory, IndexManifest.Read(directory, kind));
    }

    /// <summary>Checks every manifest file's size (and, if asked, SHA-256); throws <see cref="IndexFormatException"/> naming the file.</summary>
    public static void VerifyFiles(string directory, IndexManifest manifest, bool checksums)
    {
        foreach (var (name, expected) in manifest.Files)
        {
            var path = Path.Combine(directory, name);
            if (name.Contains('/') || name.Contains('\\') || name == "..")
            {
                throw new IndexFormatException(Path.Combine(directory, IndexManifest.FileName), $"File name '{name}' is not a plain file name.");
            }
            if (!File.Exists(path))
            {
                throw new IndexFormatException(path, "The file listed in the manifest is missing.");
            }
            long bytes = new FileInfo(path).Length;
            if (bytes != expected.Bytes)
            {
                throw new IndexFormatException(path, $"The file has {bytes} bytes, the manifest says {expected.Bytes} (truncated or overwritten).");
            }
            if (checksums && !string.Equals(Sha256Of(path), expected.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new IndexFormatException(path, "SHA-256 does not match the manifest (the file is corrupted).");
            }
        }
    }

    /// <summary>The manifest entry for a file the loader needs; throws naming the manifest when it is not listed.</summary>
    public static ManifestFile Require(string directory, IndexManifest manifest, string name) =>
        manifest.Files.TryGetValue(name, out var file)
            ? file
            : throw new IndexFormatException(Path.Combine(directory, IndexManifest.FileName), $"The manifest does not list '{name}'.");

    public static string Sha256Of(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Writes bytes from native memory (any length) and fsyncs.</summary>
    public static unsafe void WriteDurably(string path, byte* data, long length)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        for (long offset = 0; offset < length;)
        {
            int chunk = (int)Math.Min(1 << 30, length - offset);
            stream.Write(new ReadOnlySpan<byte>(data + offset, chunk));
            offset += chunk;
        }
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Fsyncs a file another writer produced (e.g. an engine's own save routine).</summary>
    public static void FlushToDisk(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Writes <paramref name="bytes"/> and fsyncs.</summary>
    public static unsafe void WriteDurably(string path, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            WriteDurably(path, p, bytes.Length);
        }
    }

    /// <summary>Writes one <c>{"key":K,"value":"..."}</c> line per entry, sorted by key, and fsyncs.</summary>
    public static void WriteMetadata(string path, IReadOnlyDictionary<long, string> metadata)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        foreach (var (key, value) in metadata.OrderBy(p => p.Key))
        {
            // One writer per line: a shared Utf8JsonWriter would put commas between top-level values.
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteNumber("key", key);
                writer.WriteString("value", value);
                writer.WriteEndObject();
            }
            stream.WriteByte((byte)'\n');
        }
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Reads <see cref="WriteMetadata"/>'s lines; throws <see cref="IndexFormatException"/> naming the file and line.</summary>
    public static Dictionary<long, string> ReadMetadata(string path)
    {
        var result = new Dictionary<long, string>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            try
            {
                using var doc = JsonDocument.Parse(line);
                var key = doc.RootElement.GetProperty("key").GetInt64();
                var value = doc.RootElement.GetProperty("value").GetString() ?? throw new FormatException("value is null");
                if (!result.TryAdd(key, value))
                {
                    throw new FormatException($"key {key} repeated");
                }
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new IndexFormatException(path, $"Line {lineNumber} is not a metadata entry: {e.Message}", e);
            }
        }
        return result;
    }
}
