using System.Diagnostics;
using MultiModal.Encoders;
using MultiModal.Encoders.IO;
using MultiModal.Encoders.Imaging;
using MultiModal.Index.Flat;
using MultiModal.Index.Hnsw;
using MultiModal.Index.Persistence;

namespace MultiModal.Index.Search;

/// <summary>
/// Image-text search over a folder of photos: a <see cref="IMultimodalEncoder"/>, a vector index of the images' embeddings
/// and a catalog mapping each key to its file (path, SHA-256, size, last write time).
/// </summary>
/// <remarks>
/// Thread-safe for a host's lifetime: searches run concurrently with each other and with
/// <see cref="IndexFolder(string, IProgress{IndexingProgress}?, CancellationToken)"/> (which embeds outside the lock and applies each batch under a short write lock);
/// indexing runs one at a time. The service does not own the model: dispose the model after the service.
/// </remarks>
public sealed class ImageSearchService : IDisposable
{
    /// <summary>File extensions (lower case) that <see cref="IndexFolder(string, IProgress{IndexingProgress}?, CancellationToken)"/> treats as images.</summary>
    public static readonly IReadOnlySet<string> ImageExtensions =
        new HashSet<string>([".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff"], StringComparer.OrdinalIgnoreCase);

    private readonly IMultimodalEncoder _model;
    private readonly IVectorIndex _index;
    private readonly ImageCatalog _catalog;
    private readonly int _batchSize;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Lock _indexing = new();
    private volatile bool _disposed;
    private int _disposeStarted;

    private ImageSearchService(IMultimodalEncoder model, IVectorIndex index, ImageCatalog catalog, int batchSize)
    {
        _model = model;
        _index = index;
        _catalog = catalog;
        _batchSize = batchSize;
    }

    /// <summary>Creates an empty service whose index has the model's embedding size.</summary>
    public static ImageSearchService Create(IMultimodalEncoder model, ImageSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new ImageSearchOptions();
        options.Validate();
        IVectorIndex index = options.Kind == ImageIndexKind.Hnsw
            ? HnswIndex.Create(model.EmbedDim, options.Metric, options.Hnsw)
            : FlatIndex.Create(model.EmbedDim, options.Metric, options.Flat);
        var modelDirectory = options.ModelDirectory is null ? null : Path.GetFullPath(options.ModelDirectory);
        return new ImageSearchService(model, index, new ImageCatalog(modelDirectory), options.BatchSize);
    }

    /// <summary>Opens a directory written by <see cref="Save"/> (index and catalog, checksums verified).</summary>
    /// <exception cref="IndexFormatException">The index or catalog is missing, corrupted or inconsistent, or its
    /// dimensions differ from the model's.</exception>
    public static ImageSearchService Open(IMultimodalEncoder model, string indexDirectory, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(indexDirectory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        // Index and catalog are read under one shared lock, so a concurrent save cannot pair one with the other's successor.
        using var readLock = IndexFiles.LockForReading(indexDirectory);
        // Read into memory: the service will change the index and may save it over its own directory.
        var index = SavedIndex.Load(indexDirectory, new LoadOptions { MemoryMap = false });
        try
        {
            var catalogPath = Path.Combine(AtomicFolder.ResolveForRead(indexDirectory), ImageCatalog.FileName);
            var catalog = ImageCatalog.Read(catalogPath);
            if (index.Dimensions != model.EmbedDim)
            {
                throw new IndexFormatException(catalogPath, $"The index has {index.Dimensions} dimensions, the model embeds into {model.EmbedDim}.");
            }
            if (index.Count != catalog.Count || catalog.Records.Any(r => !index.Contains(r.Key)))
            {
                throw new IndexFormatException(catalogPath, $"The catalog lists {catalog.Count} images, the index holds {index.Count} other keys.");
            }
            return new ImageSearchService(model, index, catalog, batchSize);
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>The model directory recorded in a saved service's catalog, or null when none was recorded.</summary>
    /// <exception cref="IndexFormatException">The directory holds no readable catalog.</exception>
    public static string? ReadModelDirectory(string indexDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(indexDirectory);
        using var readLock = IndexFiles.LockForReading(indexDirectory);
        var (directory, _) = IndexFiles.OpenForLoad(indexDirectory, kind: null);
        return ImageCatalog.ReadModelDirectory(Path.Combine(directory, ImageCatalog.FileName));
    }

    /// <summary>The number of indexed images.</summary>
    public int Count => WithReadLock(() => _catalog.Count);

    /// <summary>The index's vector count (equals <see cref="Count"/>).</summary>
    public long IndexCount => WithReadLock(() => _index.Count);

    /// <summary>The index metric.</summary>
    public Metric Metric => _index.Metric;

    /// <summary>The model directory recorded in the catalog, if any.</summary>
    public string? ModelDirectory => _catalog.ModelDirectory;

    /// <summary>A snapshot of the catalog, ordered by key.</summary>
    public IReadOnlyList<ImageRecord> Images => WithReadLock(() => _catalog.Records.OrderBy(r => r.Key).ToList());

    /// <summary>
    /// Brings the index up to date with <paramref name="folder"/> (recursively, files with an
    /// <see cref="ImageExtensions"/> extension): embeds new files and files whose SHA-256 changed (an existing path
    /// keeps its key), removes catalogued files under the folder that are gone, and skips unreadable or undecodable
    /// files with a reason. Embeddings are applied in chunks of four batches as each completes, so a cancelled run
    /// keeps all but the chunk in flight.
    /// </summary>
    /// <remarks>A catalogued file with the same size and last-write time counts as unchanged without being read
    /// (<see cref="ChangeDetection.SizeAndTime"/>); use the overload taking <see cref="ChangeDetection"/> to hash every file.</remarks>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between batches; the index and catalog stay consistent.</exception>
    public IndexingResult IndexFolder(string folder, IProgress<IndexingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        IndexFolder(folder, ChangeDetection.SizeAndTime, progress, cancellationToken);

    /// <summary>As <see cref="IndexFolder(string, IProgress{IndexingProgress}?, CancellationToken)"/>, choosing how unchanged files are recognised.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between batches; the index and catalog stay consistent.</exception>
    public IndexingResult IndexFolder(string folder, ChangeDetection changeDetection, IProgress<IndexingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The image folder '{folder}' does not exist.");
        }
        lock (_indexing)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Each real folder once (link loops are counted, not followed); FIFOs and devices named *.jpg are skipped, never opened.
            var walk = FolderWalk.Files(root, f => ImageExtensions.Contains(Path.GetExtension(f)), cancellationToken);
            var files = walk.Files;
            var skipped = walk.Skipped.Select(s => new SkippedImage(s.Path, s.Reason)).ToList();
            var pending = new List<Pending>();
            int unchanged = 0;
            foreach (var file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                FileInfo info;
                string hash;
                var old = WithReadLock(() => _catalog.TryGet(file, out var r) ? r : null);
                try
                {
                    info = new FileInfo(file);
                    if (changeDetection == ChangeDetection.SizeAndTime && old is not null
                        && old.Size == info.Length && old.LastWriteUtc == info.LastWriteTimeUtc)
                    {
                        unchanged++;
                        continue;
                    }
                    hash = IndexFiles.Sha256Of(file, cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    skipped.Add(new SkippedImage(file, $"unreadable: {e.Message}"));
                    continue;
                }
                if (old is not null && old.Sha256 == hash)
                {
                    unchanged++;
                    if (old.Size != info.Length || old.LastWriteUtc != info.LastWriteTimeUtc)
                    {
                        WithWriteLock(() => _catalog.Set(old with { Size = info.Length, LastWriteUtc = info.LastWriteTimeUtc }));
                    }
                    continue;
                }
                pending.Add(new Pending(file, hash, info.Length, info.LastWriteTimeUtc, old?.Key));
            }

            // Files gone from the folder (only those under this root: the catalog may hold other folders).
            var present = new HashSet<string>(files, StringComparer.Ordinal);
            var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
            var gone = WithReadLock(() => _catalog.Records.Where(r => r.Path.StartsWith(prefix, StringComparison.Ordinal) && !present.Contains(r.Path)).Select(r => r.Key).ToArray());
            if (gone.Length > 0)
            {
                WithWriteLock(() =>
                {
                    _index.Remove(gone);
                    foreach (var key in gone)
                    {
                        _catalog.Remove(key);
                    }
                });
            }

            var (added, updated) = Embed(pending, skipped, progress, cancellationToken);
            return new IndexingResult(added, updated, gone.Length, unchanged, skipped, walk.SkippedLinks);
        }
    }

    /// <summary>As <see cref="IndexFolder(string, IProgress{IndexingProgress}?, CancellationToken)"/>, on the thread pool.</summary>
    public Task<IndexingResult> IndexFolderAsync(string folder, IProgress<IndexingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => IndexFolder(folder, ChangeDetection.SizeAndTime, progress, cancellationToken), cancellationToken);

    /// <summary>The <paramref name="k"/> images closest to a text query, best first (fewer when the index holds fewer).</summary>
    public IReadOnlyList<ImageSearchHit> SearchText(string query, int k, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Search(_model.EncodeTexts([query], cancellationToken: cancellationToken)[0], k, cancellationToken);
    }

    /// <summary>The <paramref name="k"/> images closest to an image file, best first (the file itself when indexed).</summary>
    /// <exception cref="ImageBatchException">The query image could not be read or decoded.</exception>
    public IReadOnlyList<ImageSearchHit> SearchImage(string path, int k, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Search(_model.EncodeImages([path], batchSize: 1, cancellationToken: cancellationToken)[0], k, cancellationToken);
    }

    /// <summary>
    /// Saves the index and <c>catalog.json</c> into <paramref name="directory"/> in one atomic swap (the manifest
    /// checksums the catalog too). Searches may run meanwhile; indexing waits.
    /// </summary>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Action<string> writeCatalog = temp => _catalog.Write(Path.Combine(temp, ImageCatalog.FileName));
            switch (_index)
            {
                case FlatIndex flat:
                    flat.Save(directory, writeCatalog);
                    break;
                case HnswIndex hnsw:
                    hnsw.Save(directory, writeCatalog);
                    break;
                default:
                    throw new NotSupportedException($"Cannot save a {_index.GetType().Name}.");
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Frees the index; the model stays with its owner.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) == 1)
        {
            return;
        }
        lock (_indexing)
        {
            _lock.EnterWriteLock();
            try
            {
                _disposed = true;
                _index.Dispose();
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
        _lock.Dispose();
    }

    private IReadOnlyList<ImageSearchHit> Search(float[] query, int k, CancellationToken cancellationToken)
    {
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var result = _index.Search(query, k, cancellationToken);
            var hits = new List<ImageSearchHit>(result.K);
            for (var i = 0; i < result.K; i++)
            {
                if (_catalog.TryGet(result.Keys[i], out var record))
                {
                    hits.Add(new ImageSearchHit(record!.Path, result.Scores[i], record.Key));
                }
            }
            return hits;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Embeds <paramref name="pending"/> in chunks of a few batches; an undecodable file is recorded in
    /// <paramref name="skipped"/> and its chunk retried without it. Each chunk is applied under the write lock.
    /// </summary>
    private (int Added, int Updated) Embed(List<Pending> pending, List<SkippedImage> skipped, IProgress<IndexingProgress>? progress, CancellationToken cancellationToken)
    {
        int added = 0, updated = 0, done = 0;
        var watch = Stopwatch.StartNew();
        void Report(int count)
        {
            double rate = watch.Elapsed.TotalSeconds > 0 ? count / watch.Elapsed.TotalSeconds : 0;
            TimeSpan? eta = rate > 0 ? TimeSpan.FromSeconds((pending.Count - count) / rate) : null;
            progress?.Report(new IndexingProgress(count, pending.Count, rate, eta));
        }
        Report(0);
        int chunkSize = _batchSize * 4;
        for (var start = 0; start < pending.Count; start += chunkSize)
        {
            var chunk = pending.GetRange(start, Math.Min(chunkSize, pending.Count - start));
            float[][] vectors;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    int before = done;
                    var chunkProgress = progress is null ? null : new SyncProgress(n => Report(before + n));
                    vectors = _model.EncodeImages(chunk.Select(p => p.Path).ToList(), _batchSize, normalize: true, chunkProgress, cancellationToken);
                    break;
                }
                catch (ImageBatchException e) when (e.Index >= 0 && e.Index < chunk.Count)
                {
                    skipped.Add(new SkippedImage(chunk[e.Index].Path, (e.InnerException ?? e).Message));
                    chunk.RemoveAt(e.Index);
                    done++;
                }
            }
            done += chunk.Count;
            Report(done);
            if (chunk.Count == 0)
            {
                continue;
            }
            WithWriteLock(() =>
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var keys = new long[chunk.Count];
                var flat = new float[chunk.Count * _index.Dimensions];
                for (var i = 0; i < chunk.Count; i++)
                {
                    keys[i] = chunk[i].OldKey ?? _catalog.AllocateKey();
                    vectors[i].CopyTo(flat, i * _index.Dimensions);
                }
                _index.Upsert(flat, keys);
                for (var i = 0; i < chunk.Count; i++)
                {
                    var p = chunk[i];
                    _catalog.Set(new ImageRecord(keys[i], p.Path, p.Sha256, p.Size, p.LastWriteUtc));
                    if (p.OldKey is null)
                    {
                        added++;
                    }
                    else
                    {
                        updated++;
                    }
                }
            });
        }
        return (added, updated);
    }

    private T WithReadLock<T>(Func<T> read)
    {
        _lock.EnterReadLock();
        try
        {
            return read();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void WithWriteLock(Action write)
    {
        _lock.EnterWriteLock();
        try
        {
            write();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private sealed record Pending(string Path, string Sha256, long Size, DateTime LastWriteUtc, long? OldKey);

    /// <summary>Reports on the caller's thread (<see cref="Progress{T}"/> would post to the thread pool, out of order).</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
