using System.Security.Cryptography;
using System.Text.Json;
using MultiModal.Encoders.IO;

namespace MultiModal.Index.Persistence;

/// <summary>
/// Saving and checking index directories, shared by every index kind. Saving goes through
/// <see cref="AtomicFolder"/> (kind <c>index</c>, with the folder's <see cref="FolderLock"/>): all files are written
/// into a staging folder, <c>manifest.json</c> last with the size and SHA-256 of each, then the folder is swapped in
/// atomically; a kill at any moment leaves the old or the new index, and only the next save of the same index cleans
/// what a killed save left. Loading never changes anything on disk: it takes the shared read lock, reads the manifest
/// and checks the files. Used by the flat index (vectors, <c>keys.i64</c>, <c>metadata.jsonl</c>) and the HNSW index
/// (USearch's <c>graph.usearch</c>).
/// </summary>
internal static class IndexFiles
{
    public const string KeysFile = "keys.i64";
    public const string MetadataFile = "metadata.jsonl";
    public const string ArtefactKind = "index";

    /// <summary>Test hook: called with "files-written" (data files done, manifest not yet written); throwing simulates a crash there.</summary>
    internal static Action<string>? FaultInjection { get; set; }

    /// <summary>
    /// Writes a new index directory at <paramref name="directory"/> atomically. <paramref name="write"/> writes the data
    /// files into the staging directory it is given; the manifest is built from their sizes and hashes.
    /// </summary>
    /// <exception cref="OutputPathException">The directory holds something that is not an index this library wrote.</exception>
    /// <exception cref="FolderLockedException">Another process is writing the same index.</exception>
    public static void SaveAtomically(string directory, Func<Dictionary<string, ManifestFile>, IndexManifest> manifest, Action<string> write)
    {
        AtomicFolder.Write(directory, staging =>
        {
            write(staging);
            var files = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
            foreach (var file in Directory.GetFiles(staging).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                if (name != AtomicFolder.MarkerFile)
                {
                    files[name] = new ManifestFile(new FileInfo(file).Length, Sha256Of(file));
                }
            }
            FaultInjection?.Invoke("files-written");
            WriteDurably(Path.Combine(staging, IndexManifest.FileName), System.Text.Encoding.UTF8.GetBytes(manifest(files).ToJson()));
        }, SaveOptions);
    }

    /// <summary>See <see cref="SavedIndex.CheckOutput"/>.</summary>
    public static void CheckOutput(string directory) => AtomicFolder.CheckTarget(directory, SaveOptions);

    private static AtomicFolderOptions SaveOptions => new() { Kind = ArtefactKind, Lock = true, RecognizesUnmarked = IsUnmarkedIndex };

    /// <summary>The shared read lock of an index directory: hold it while reading the index's files.</summary>
    /// <exception cref="FolderLockedException">A save's swap held the index past the wait.</exception>
    public static FolderLock LockForReading(string directory) => FolderLock.ForReading(directory);

    /// <summary>
    /// The start of every load: resolves the directory (see <see cref="AtomicFolder.ResolveForRead"/>), checks it exists
    /// and reads its manifest of kind <paramref name="kind"/> (any kind when null). Changes nothing on disk.
    /// </summary>
    public static (string Directory, IndexManifest Manifest) OpenForLoad(string directory, string? kind)
    {
        directory = AtomicFolder.ResolveForRead(directory);
        switch (FileStatus.Of(directory).Kind)
        {
            case FileKind.Missing:
                throw new IndexFormatException(directory, "The index directory does not exist.");
            case FileKind.Directory:
                break;
            case var other:
                throw new IndexFormatException(directory, $"Not an index directory: it is {FileStatus.Describe(other)}.");
        }
        return (directory, IndexManifest.Read(directory, kind));
    }

    /// <summary>An index saved before marker files existed: its manifest parses as this library's.</summary>
    private static bool IsUnmarkedIndex(string directory)
    {
        try
        {
            IndexManifest.Read(directory, expectedKind: null);
            return true;
        }
        catch (IndexFormatException)
        {
            return false;
        }
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

    public static string Sha256Of(string path, CancellationToken cancellationToken = default)
    {
        using var stream = RegularFile.OpenRead(path, bufferSize: 1);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, 1 << 20)) > 0)
            {
                // A multi-gigabyte file named *.jpg must not hold off Ctrl-C.
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
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
