using System.Runtime.InteropServices;
using MultiModal.Encoders.IO;
using MultiModal.Index.Persistence;

namespace MultiModal.Index.Flat;

public sealed partial class FlatIndex
{
    /// <summary>The manifest kind of a saved flat index.</summary>
    public const string Kind = "flat";

    /// <summary>
    /// Saves the index into <paramref name="directory"/> (one directory per index: <c>manifest.json</c>,
    /// <c>vectors.f32</c> or <c>vectors.f16</c> raw little-endian rows, <c>keys.i64</c>, <c>metadata.jsonl</c>),
    /// atomically: a crash at any point leaves the previous save or the new one. Searches may run meanwhile; writers wait.
    /// </summary>
    public void Save(string directory) => Save(directory, extraFiles: null);

    /// <summary>As <see cref="Save(string)"/>; <paramref name="extraFiles"/> writes companion files (such as a search
    /// catalog) into the staging directory, so the manifest checksums them and they swap in with the index.</summary>
    internal unsafe void Save(string directory, Action<string>? extraFiles)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var vectorsFile = VectorFileName(_store.Storage);
            IndexFiles.SaveAtomically(directory,
                files => new IndexManifest
                {
                    Kind = Kind,
                    Metric = IndexManifest.MetricName(Metric),
                    Dimensions = Dimensions,
                    Count = _keys.Count,
                    Dtype = DtypeName(_store.Storage),
                    Files = files,
                },
                temp =>
                {
                    IndexFiles.WriteDurably(Path.Combine(temp, vectorsFile), _store.Data, _keys.Count * _store.RowBytes);
                    IndexFiles.WriteDurably(Path.Combine(temp, IndexFiles.KeysFile), MemoryMarshal.AsBytes(_keys.Keys));
                    IndexFiles.WriteMetadata(Path.Combine(temp, IndexFiles.MetadataFile), _metadata);
                    extraFiles?.Invoke(temp);
                });
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Loads an index saved by <see cref="Save(string)"/>. Sizes are always checked, SHA-256 unless
    /// <see cref="LoadOptions.VerifyChecksums"/> is off; vectors are memory-mapped read-only unless
    /// <see cref="LoadOptions.MemoryMap"/> is off (the first mutation copies them into native memory). The stored
    /// element type wins over <paramref name="indexOptions"/>' <see cref="FlatIndexOptions.Storage"/>.
    /// </summary>
    /// <exception cref="IndexFormatException">A file is missing, truncated, corrupted or inconsistent; <see cref="IndexFormatException.FilePath"/> names it.</exception>
    public static FlatIndex Load(string directory, LoadOptions? options = null, FlatIndexOptions? indexOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new LoadOptions();
        options.Validate();
        indexOptions ??= new FlatIndexOptions();
        indexOptions.Validate();
        using var readLock = IndexFiles.LockForReading(directory);
        (directory, var manifest) = IndexFiles.OpenForLoad(directory, Kind);
        var manifestPath = Path.Combine(directory, IndexManifest.FileName);
        var metric = manifest.ParseMetric(directory);
        var storage = manifest.Dtype switch
        {
            "float32" => FlatStorage.Float32,
            "float16" => FlatStorage.Float16,
            _ => throw new IndexFormatException(manifestPath, $"Unknown dtype '{manifest.Dtype}'."),
        };
        int count = (int)manifest.Count;
        var vectorsPath = Path.Combine(directory, VectorFileName(storage));
        var keysPath = Path.Combine(directory, IndexFiles.KeysFile);
        long rowBytes = (long)manifest.Dimensions * (storage == FlatStorage.Float16 ? 2 : 4);
        if (IndexFiles.Require(directory, manifest, VectorFileName(storage)).Bytes != count * rowBytes)
        {
            throw new IndexFormatException(vectorsPath, $"The manifest lists a size that is not {count} rows × {rowBytes} bytes.");
        }
        if (IndexFiles.Require(directory, manifest, IndexFiles.KeysFile).Bytes != count * sizeof(long))
        {
            throw new IndexFormatException(keysPath, $"The manifest lists a size that is not {count} keys × 8 bytes.");
        }
        IndexFiles.VerifyFiles(directory, manifest, options.VerifyChecksums);

        KeyMap keys;
        try
        {
            keys = KeyMap.FromRows(MemoryMarshal.Cast<byte, long>(RegularFile.ReadAllBytes(keysPath)));
        }
        catch (ArgumentException e)
        {
            throw new IndexFormatException(keysPath, e.Message, e);
        }
        var store = LoadVectors(vectorsPath, manifest.Dimensions, storage, count, options.MemoryMap);
        var index = new FlatIndex(manifest.Dimensions, metric, indexOptions with { Storage = storage }, store, keys);
        try
        {
            index.LoadExtras(directory, manifest);
        }
        catch
        {
            index.Dispose();
            throw;
        }
        return index;
    }

    private void LoadExtras(string directory, IndexManifest manifest)
    {
        int count = (int)manifest.Count;
        var index = this;
        var keys = _keys;
        var metric = Metric;
        var metadataPath = Path.Combine(directory, IndexFiles.MetadataFile);
        if (manifest.Files.ContainsKey(IndexFiles.MetadataFile))
        {
            index._metadata = IndexFiles.ReadMetadata(metadataPath);
            foreach (var key in index._metadata.Keys)
            {
                if (!keys.Contains(key))
                {
                    throw new IndexFormatException(metadataPath, $"Metadata for key {key}, which is not stored.");
                }
            }
        }
        if (metric == Metric.L2)
        {
            index._norms = new float[Math.Max(count, 1)];
            for (int row = 0; row < count; row++)
            {
                index._norms[row] = index.StoredNormSquared(row);
            }
        }
    }

    private static unsafe VectorStore LoadVectors(string path, int dimensions, FlatStorage storage, int count, bool map)
    {
        if (map)
        {
            return VectorStore.Map(path, dimensions, storage, count);
        }
        var store = new VectorStore(dimensions, storage, count);
        store.EnsureWritable(count);
        using (var stream = RegularFile.OpenRead(path, 1 << 20))
        {
            long total = count * store.RowBytes;
            for (long offset = 0; offset < total;)
            {
                int chunk = (int)Math.Min(1 << 30, total - offset);
                stream.ReadExactly(new Span<byte>(store.Data + offset, chunk));
                offset += chunk;
            }
        }
        store.MarkFilled(count);
        return store;
    }

    private static string VectorFileName(FlatStorage storage) => storage == FlatStorage.Float16 ? "vectors.f16" : "vectors.f32";

    private static string DtypeName(FlatStorage storage) => storage == FlatStorage.Float16 ? "float16" : "float32";
}
