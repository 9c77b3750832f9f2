using Cloud.Unum.USearch;

namespace MultiModal.Index.Hnsw;

/// <summary>
/// An approximate nearest-neighbour index: a hierarchical navigable small-world graph (arXiv:1603.09320) kept by
/// USearch (<c>Cloud.Unum.USearch</c>). Keys map directly to USearch's 64-bit keys; -1 is reserved for padding.
/// </summary>
/// <remarks>
/// Scores follow <see cref="IVectorIndex"/>: squared distance for <see cref="Metric.L2"/>, the inner product for
/// <see cref="Metric.InnerProduct"/> and <see cref="Metric.Cosine"/> (USearch's "ip" returns 1 − dot; we convert back,
/// so scores near zero carry an absolute error of about 1e-7). Cosine vectors are L2-normalised on the way in.
/// Searches may run on many threads; Add, Upsert, Remove, Save and the <see cref="EfSearch"/> setter take an
/// exclusive lock, because USearch's reserve and remove are not safe against concurrent traversals.
/// Like <see cref="Add"/>, <see cref="Upsert"/> rejects a key repeated within one batch.
/// </remarks>
public sealed unsafe partial class HnswIndex : IVectorIndex
{
    // Rows up to 16 KiB are normalised on the stack; wider ones on the heap.
    private const int MaxStackDimensions = 4096;

    private readonly USearchIndex _native;
    private readonly nint _handle;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);

    // USearch keeps a fixed pool of per-thread contexts and fails (does not wait) when it runs dry: gate entries.
    private readonly SemaphoreSlim _contexts;
    private readonly int _contextCount;
    private int _efSearch;
    private bool _disposed;

    private HnswIndex(int dimensions, Metric metric, HnswOptions options, USearchIndex native)
    {
        Dimensions = dimensions;
        Metric = metric;
        Options = options;
        _native = native;
        _handle = UsearchNative.Handle(native);
        _efSearch = options.EfSearch;
        _contextCount = Math.Max(options.Threads, Environment.ProcessorCount);
        _contexts = new SemaphoreSlim(_contextCount, _contextCount);
    }

    /// <inheritdoc/>
    public int Dimensions { get; }

    /// <inheritdoc/>
    public Metric Metric { get; }

    /// <summary>The settings the index was built with (<see cref="HnswOptions.EfSearch"/> as at creation).</summary>
    public HnswOptions Options { get; }

    /// <inheritdoc/>
    public long Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return UsearchNative.SizeOf(Live()); }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Candidate list size while searching; larger is slower and more accurate. Must be positive.</summary>
    public int EfSearch
    {
        get => Volatile.Read(ref _efSearch);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(EfSearch));
            _lock.EnterWriteLock();
            try
            {
                UsearchNative.SetExpansionSearch(Live(), value);
                Volatile.Write(ref _efSearch, value);
            }
            finally { _lock.ExitWriteLock(); }
        }
    }

    /// <summary>Creates an empty index of <paramref name="dimensions"/>-wide vectors.</summary>
    /// <param name="dimensions">Vector width, positive.</param>
    /// <param name="metric">The comparison metric.</param>
    /// <param name="options">Build and search settings; defaults when null.</param>
    public static HnswIndex Create(int dimensions, Metric metric, HnswOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        _ = metric.HigherIsCloser(); // rejects unknown values
        options ??= new HnswOptions();
        options.Validate();
        var native = new USearchIndex(
            metric == Metric.L2 ? MetricKind.L2sq : MetricKind.Ip, ScalarKind.Float32, (ulong)dimensions,
            (ulong)options.M, (ulong)options.EfConstruction, (ulong)options.EfSearch, multi: false);
        var index = new HnswIndex(dimensions, metric, options, native);
        try
        {
            index.Reserve(Math.Max(options.InitialCapacity, 64));
            UsearchNative.SetThreads(index._handle, index._contextCount);
        }
        catch
        {
            index.Dispose();
            throw;
        }

        return index;
    }

    /// <inheritdoc/>
    public void Add(ReadOnlySpan<float> vectors, ReadOnlySpan<long> keys) => Insert(vectors, keys, replace: false);

    /// <inheritdoc/>
    public void Upsert(ReadOnlySpan<float> vectors, ReadOnlySpan<long> keys) => Insert(vectors, keys, replace: true);

    /// <inheritdoc/>
    public int Remove(ReadOnlySpan<long> keys)
    {
        _lock.EnterWriteLock();
        try
        {
            var handle = Live();
            var removed = 0;
            foreach (var key in keys)
            {
                if (key != -1 && UsearchNative.Has(handle, (ulong)key))
                {
                    removed += UsearchNative.RemoveKey(handle, (ulong)key) > 0 ? 1 : 0;
                }
            }

            return removed;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <inheritdoc/>
    public bool Contains(long key)
    {
        _lock.EnterReadLock();
        try { return key != -1 && UsearchNative.Has(Live(), (ulong)key); }
        finally { _lock.ExitReadLock(); }
    }

    /// <inheritdoc/>
    /// <remarks>Approximate: a query may find fewer than min(k, <see cref="Count"/>) vectors (a small ef-search, or
    /// a graph thinned by removals); its remaining slots hold -1 and the padding score.</remarks>
    public SearchResult Search(ReadOnlySpan<float> queries, int k, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var n = HnswRows.Count(queries.Length, Dimensions, nameof(queries));
        HnswRows.Validate(queries, n, Dimensions, Metric, nameof(queries));
        int columns;
        long[] keys;
        float[] scores;
        _lock.EnterReadLock();
        try
        {
            var handle = Live();
            // k clamped to what is stored (k = int.MaxValue means "all"): USearch sizes its candidate buffers by k, and
            // n × columns ≤ MaxSlots keeps the arrays bounded. Slots the approximate search leaves empty are padded below.
            columns = SearchResult.Columns(k, UsearchNative.SizeOf(handle), n);
            keys = new long[n * columns];
            scores = new float[n * columns];
            if (keys.Length == 0)
            {
                return new SearchResult(keys, scores, n, columns);
            }

            fixed (float* q = queries)
            fixed (long* kp = keys)
            fixed (float* sp = scores)
            {
                nint qa = (nint)q, ka = (nint)kp, sa = (nint)sp;
                void One(long i)
                {
                    var row = (float*)qa + (i * Dimensions);
                    var rowKeys = (long*)ka + (i * columns);
                    var rowScores = (float*)sa + (i * columns);
                    var normalised = Metric != Metric.Cosine ? default : Dimensions <= MaxStackDimensions ? stackalloc float[Dimensions] : new float[Dimensions];
                    if (Metric == Metric.Cosine)
                    {
                        HnswRows.Normalise(new ReadOnlySpan<float>(row, Dimensions), normalised);
                        fixed (float* r = normalised) { SearchRow(handle, r, columns, rowKeys, rowScores); }
                    }
                    else
                    {
                        SearchRow(handle, row, columns, rowKeys, rowScores);
                    }
                }

                RunRows(n, One, cancellationToken);
            }
        }
        finally { _lock.ExitReadLock(); }

        return new SearchResult(keys, scores, n, columns);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _lock.EnterWriteLock();
        try
        {
            _disposed = true;
            _native.Dispose();
        }
        finally { _lock.ExitWriteLock(); }

        _contexts.Dispose();
        _lock.Dispose();
    }

    private void Insert(ReadOnlySpan<float> vectors, ReadOnlySpan<long> keys, bool replace)
    {
        var n = HnswRows.Count(vectors.Length, Dimensions, nameof(vectors));
        if (keys.Length != n)
        {
            throw new ArgumentException($"Got {n} vectors but {keys.Length} keys.", nameof(keys));
        }

        HnswRows.Validate(vectors, n, Dimensions, Metric, nameof(vectors));
        var seen = new HashSet<long>(n);
        for (var i = 0; i < n; i++)
        {
            if (keys[i] == -1)
            {
                throw new ArgumentException($"Key -1 at row {i} is reserved for padding.", nameof(keys));
            }

            if (!seen.Add(keys[i]))
            {
                throw new ArgumentException($"Key {keys[i]} at row {i} is repeated within the batch.", nameof(keys));
            }
        }

        _lock.EnterWriteLock();
        try
        {
            var handle = Live();
            for (var i = 0; i < n; i++)
            {
                if (UsearchNative.Has(handle, (ulong)keys[i]))
                {
                    if (!replace)
                    {
                        throw new ArgumentException($"Key {keys[i]} at row {i} is already stored.", nameof(keys));
                    }

                    UsearchNative.RemoveKey(handle, (ulong)keys[i]);
                }
            }

            // Reserve before the parallel adds: USearch's add is thread-safe only within reserved capacity. USearch reuses
            // the slots of removed keys, so live + n is enough; counting every key ever added (as before) grew the
            // capacity, and memory, without bound under upsert/remove churn (found by bench/Soak).
            Reserve(UsearchNative.SizeOf(handle) + n);
            fixed (float* v = vectors)
            fixed (long* kp = keys)
            {
                nint va = (nint)v, ka = (nint)kp;
                void One(long i)
                {
                    var row = (float*)va + (i * Dimensions);
                    var key = (ulong)((long*)ka)[i];
                    if (Metric == Metric.Cosine)
                    {
                        Span<float> normalised = Dimensions <= MaxStackDimensions ? stackalloc float[Dimensions] : new float[Dimensions];
                        HnswRows.Normalise(new ReadOnlySpan<float>(row, Dimensions), normalised);
                        fixed (float* r = normalised) { AddRow(handle, key, r); }
                    }
                    else
                    {
                        AddRow(handle, key, row);
                    }
                }

                RunRows(n, One, CancellationToken.None);
            }

        }
        finally { _lock.ExitWriteLock(); }
    }

    private void SearchRow(nint handle, float* query, int k, long* keys, float* scores)
    {
        int found;
        _contexts.Wait();
        try { found = UsearchNative.SearchVector(handle, query, k, (ulong*)keys, scores); }
        finally { _contexts.Release(); }

        var higher = Metric.HigherIsCloser();
        for (var j = 0; j < found; j++)
        {
            scores[j] = higher ? 1f - scores[j] : scores[j];
        }

        var padding = Metric.PaddingScore();
        for (var j = found; j < k; j++)
        {
            keys[j] = -1;
            scores[j] = padding;
        }
    }

    private void AddRow(nint handle, ulong key, float* row)
    {
        _contexts.Wait();
        try { UsearchNative.AddVector(handle, key, row); }
        finally { _contexts.Release(); }
    }

    // Grows geometrically so n single-row adds cost O(log n) reserves (caller holds the write lock or is the creator).
    /// <summary>USearch's reserved capacity in vectors (tests: it must follow the live count, not every key ever added).</summary>
    internal long Capacity => UsearchNative.CapacityOf(Live());

    private void Reserve(long needed)
    {
        var capacity = UsearchNative.CapacityOf(_handle);
        if (needed <= capacity && capacity > 0)
        {
            return;
        }

        var target = Math.Max(needed, Math.Max(capacity * 2, Options.InitialCapacity));
        UsearchNative.ReserveCapacity(_handle, target);
        UsearchNative.SetThreads(_handle, _contextCount);
    }

    private void RunRows(int n, Action<long> body, CancellationToken cancellationToken)
    {
        if (Options.Threads == 1 || n == 1)
        {
            for (long i = 0; i < n; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                body(i);
            }

            return;
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.Threads, CancellationToken = cancellationToken };
        Parallel.For(0L, n, parallel, body);
    }

    private nint Live() => _disposed ? throw new ObjectDisposedException(nameof(HnswIndex)) : _handle;
}
