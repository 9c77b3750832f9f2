using Cloud.Unum.USearch;
using MultiModal.Index.Persistence;

namespace MultiModal.Index.Hnsw;

public sealed partial class HnswIndex
{
    /// <summary>The manifest kind of a saved HNSW index.</summary>
    public const string Kind = "hnsw";

    // USearch's own file: header, keys, vectors and graph levels (keys live here, so no keys.i64 is written).
    private const string GraphFile = "graph.usearch";

    /// <summary>
    /// Saves the index into <paramref name="directory"/> (<c>manifest.json</c> with the build settings
    /// <c>M</c>, <c>ef_construction</c>, <c>ef_search</c>, and USearch's <c>graph.usearch</c>) through
    /// <see cref="IndexFiles.SaveAtomically"/>: a crash at any point leaves the previous save or the new one.
    /// Takes the write lock, so searches wait while the graph is written.
    /// </summary>
    public void Save(string directory) => Save(directory, extraFiles: null);

    /// <summary>As <see cref="Save(string)"/>; <paramref name="extraFiles"/> writes companion files (such as a search
    /// catalog) into the staging directory, so the manifest checksums them and they swap in with the index.</summary>
    internal void Save(string directory, Action<string>? extraFiles)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _lock.EnterWriteLock();
        try
        {
            var handle = Live();
            IndexFiles.SaveAtomically(directory,
                files => new IndexManifest
                {
                    Kind = Kind,
                    Metric = IndexManifest.MetricName(Metric),
                    Dimensions = Dimensions,
                    Count = UsearchNative.SizeOf(handle),
                    Dtype = "float32",
                    Files = files,
                    M = Options.M,
                    EfConstruction = Options.EfConstruction,
                    EfSearch = EfSearch,
                },
                temp =>
                {
                    var graph = Path.Combine(temp, GraphFile);
                    UsearchNative.SaveTo(handle, graph); // fsynced with the rest of the staging folder
                    extraFiles?.Invoke(temp);
                });
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>
    /// Loads an index saved by <see cref="Save(string)"/>. The manifest (format, version, kind, metric, sizes, build settings)
    /// and <c>graph.usearch</c>'s size, and its SHA-256 unless <see cref="LoadOptions.VerifyChecksums"/> is off, are
    /// checked before USearch reads the graph, and so is the graph's whole structure (headers, levels, every neighbour
    /// link, exact length), because a manifest re-signed by whoever edited the graph proves nothing.
    /// <see cref="LoadOptions.MemoryMap"/> does not apply: the graph is read into memory so the loaded index can be
    /// added to.
    /// </summary>
    /// <param name="directory">The saved index directory.</param>
    /// <param name="options">Load checks; defaults when null.</param>
    /// <param name="threads">Threads per batch for the loaded index (not stored in the file).</param>
    /// <exception cref="IndexFormatException">A file is missing, truncated, corrupted or inconsistent; <see cref="IndexFormatException.FilePath"/> names it.</exception>
    public static HnswIndex Load(string directory, LoadOptions? options = null, int threads = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new LoadOptions();
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        using var readLock = IndexFiles.LockForReading(directory);
        (directory, var manifest) = IndexFiles.OpenForLoad(directory, Kind);

        var manifestPath = Path.Combine(directory, IndexManifest.FileName);
        var metric = manifest.ParseMetric(directory);
        if (manifest.Dtype != "float32")
        {
            throw new IndexFormatException(manifestPath, $"Unknown dtype '{manifest.Dtype}'.");
        }

        if (manifest.M is not { } m || manifest.EfConstruction is not { } efConstruction || manifest.EfSearch is not { } efSearch)
        {
            throw new IndexFormatException(manifestPath, "The manifest lacks M, ef_construction or ef_search.");
        }

        var hnswOptions = new HnswOptions { M = m, EfConstruction = efConstruction, EfSearch = efSearch, Threads = threads };
        try
        {
            hnswOptions.Validate();
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName != nameof(HnswOptions.Threads))
        {
            throw new IndexFormatException(manifestPath, $"Build settings out of range: {e.Message}", e);
        }

        var graphPath = Path.Combine(directory, GraphFile);
        IndexFiles.Require(directory, manifest, GraphFile);
        IndexFiles.VerifyFiles(directory, manifest, options.VerifyChecksums);
        HnswGraphFile.Validate(graphPath, manifest.Count, manifest.Dimensions, metric, m);
        return FromGraph(manifest, metric, hnswOptions, graphPath);
    }

    // Reads the (already checked) graph file and checks it against the manifest.
    private static HnswIndex FromGraph(IndexManifest manifest, Metric metric, HnswOptions options, string graphPath)
    {
        var native = new USearchIndex(
            metric == Metric.L2 ? MetricKind.L2sq : MetricKind.Ip, ScalarKind.Float32, (ulong)manifest.Dimensions,
            (ulong)options.M, (ulong)options.EfConstruction, (ulong)options.EfSearch, multi: false);
        var index = new HnswIndex(manifest.Dimensions, metric, options, native);
        try
        {
            try
            {
                UsearchNative.LoadFrom(index._handle, graphPath);
            }
            catch (InvalidOperationException e)
            {
                throw new IndexFormatException(graphPath, $"USearch could not read it: {e.Message}", e);
            }

            // The manifest is not hashed, so its header fields are checked against what the graph holds.
            var stored = UsearchNative.SizeOf(index._handle);
            if (stored != manifest.Count)
            {
                throw new IndexFormatException(graphPath, $"The graph holds {stored} vectors, but manifest.json says {manifest.Count}.");
            }

            var dimensions = UsearchNative.DimensionsOf(index._handle);
            if (dimensions != manifest.Dimensions)
            {
                throw new IndexFormatException(graphPath, $"The graph holds {dimensions}-wide vectors, but manifest.json says {manifest.Dimensions}.");
            }

            UsearchNative.SetExpansionSearch(index._handle, options.EfSearch);
            index.Reserve(Math.Max(UsearchNative.SizeOf(index._handle), 64));
            UsearchNative.SetThreads(index._handle, index._contextCount);
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }
}
