using TorchSharp;

namespace MultiModal.Index.Flat;

/// <summary>
/// Exact (brute-force) vector index, the counterpart of FAISS's <c>IndexFlat</c> + <c>IndexIDMap2</c>: every
/// search scores all stored vectors with blocked matrix products and keeps a running top-k per query.
/// </summary>
/// <remarks>
/// Vectors live in native memory (or a read-only memory map after <see cref="Load"/>), never on the managed heap.
/// Cosine vectors and queries are L2-normalised on the way in, so stored vectors come back normalised. L2 scores are
/// squared distances computed as ‖q‖² − 2q·x + ‖x‖² (FAISS's way, clamped at 0), so they carry float rounding of
/// order 1e-6·‖q‖². Exact ties on the CPU backend: the lower rows make the cut and are listed higher row first, as
/// FAISS lists them. Searches run concurrently with each other under a reader lock; <see cref="Add"/>, <see cref="Upsert"/>, <see cref="Remove"/> and <see cref="SetMetadata"/> take
/// the writer lock. Removal moves the last row into the hole.
/// </remarks>
public sealed partial class FlatIndex : IVectorIndex
{
    private readonly FlatIndexOptions _options;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly FlatTorchSearch? _torch;
    private VectorStore _store;
    private KeyMap _keys;
    private float[]? _norms; // ‖x‖² per row, L2 only
    private Dictionary<long, string> _metadata = [];
    private bool _disposed;

    private FlatIndex(int dimensions, Metric metric, FlatIndexOptions options, VectorStore store, KeyMap keys)
    {
        Dimensions = dimensions;
        Metric = metric;
        _options = options;
        _store = store;
        _keys = keys;
        if (options.Backend == FlatBackend.TorchSharp)
        {
            _torch = new FlatTorchSearch(options.Device ?? torch.CPU, options.DeviceQueryBatch);
        }
        else
        {
            _ = FlatCpuSearch.UsesOpenBlas(options.Gemm); // an explicit OpenBLAS request fails here, not mid-search
        }
    }

    /// <summary>Creates an empty index.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Dimensions not positive, unknown metric, or an invalid option.</exception>
    /// <exception cref="InvalidOperationException"><see cref="FlatIndexOptions.Gemm"/> asks for OpenBLAS and the system has none.</exception>
    public static FlatIndex Create(int dimensions, Metric metric, FlatIndexOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        _ = metric.HigherIsCloser(); // throws for an unknown metric
        options ??= new FlatIndexOptions();
        options.Validate();
        return new FlatIndex(dimensions, metric, options,
            new VectorStore(dimensions, options.Storage, options.InitialCapacity), new KeyMap(options.InitialCapacity));
    }

    /// <inheritdoc/>
    public int Dimensions { get; }

    /// <inheritdoc/>
    public Metric Metric { get; }

    /// <summary>The options this index was created (or loaded) with.</summary>
    public FlatIndexOptions Options => _options;

    /// <inheritdoc/>
    public long Count => Read(() => _keys.Count);

    /// <summary>Whether the vectors are still served from the memory-mapped file of <see cref="Load"/>.</summary>
    public bool IsMemoryMapped => Read(() => _store.IsMapped);

    /// <inheritdoc/>
    public void Add(ReadOnlySpan<float> vectors, ReadOnlySpan<long> keys) => Insert(vectors, keys, upsert: false);

    /// <inheritdoc/>
    public void Upsert(ReadOnlySpan<float> vectors, ReadOnlySpan<long> keys) => Insert(vectors, keys, upsert: true);

    /// <inheritdoc/>
    public int Remove(ReadOnlySpan<long> keys)
    {
        _lock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int removed = 0;
            foreach (var key in keys)
            {
                if (!_keys.TryGetRow(key, out int row))
                {
                    continue;
                }
                _store.EnsureWritable(_store.Count); // copy-on-write out of a memory map
                int moved = _keys.RemoveAt(row);
                if (moved >= 0)
                {
                    _store.Move(moved, row);
                    if (_norms is not null)
                    {
                        _norms[row] = _norms[moved];
                    }
                }
                _store.RemoveLast();
                _metadata.Remove(key);
                removed++;
            }
            if (removed > 0)
            {
                _torch?.Invalidate();
            }
            return removed;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <inheritdoc/>
    public bool Contains(long key) => Read(() => _keys.Contains(key));

    /// <summary>Attaches a string to a stored key (replacing any); it is saved with the index and dropped on removal.</summary>
    /// <exception cref="KeyNotFoundException">The key is not stored.</exception>
    public void SetMetadata(long key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _lock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_keys.Contains(key))
            {
                throw new KeyNotFoundException($"Key {key} is not stored; add its vector before its metadata.");
            }
            _metadata[key] = value;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The string attached to <paramref name="key"/>, if any.</summary>
    public bool TryGetMetadata(long key, out string? value)
    {
        _lock.EnterReadLock();
        try
        {
            return _metadata.TryGetValue(key, out value);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <inheritdoc/>
    /// <remarks>Exact: every one of the min(k, <see cref="Count"/>) columns holds a stored vector, never -1.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive, or the result would exceed
    /// <see cref="SearchResult.MaxSlots"/>.</exception>
    /// <exception cref="ArgumentException">The query length is not a multiple of <see cref="Dimensions"/>, or a query
    /// holds NaN/infinity (or is zero under cosine); the message names the query.</exception>
    public SearchResult Search(ReadOnlySpan<float> queries, int k, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var prepared = Prepare(queries, "queries", "Query");
        int nq = prepared.Length / Dimensions;
        int columns;
        long[] keys;
        float[] scores;
        int[] rows;
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // k clamped to what is stored (k = int.MaxValue means "all"); nq × columns ≤ MaxSlots, so no overflow.
            columns = SearchResult.Columns(k, _keys.Count, nq);
            keys = new long[nq * columns];
            scores = new float[nq * columns];
            rows = new int[nq * columns];
            if (keys.Length > 0 && _torch is not null)
            {
                _torch.Search(_store, prepared, nq, columns, Metric == Metric.L2, cancellationToken, rows, scores);
            }
            else if (keys.Length > 0)
            {
                FlatCpuSearch.Search(_store, prepared, nq, columns, _norms, _options.EffectiveThreads, _options.Gemm, cancellationToken, rows, scores);
            }
            for (int i = 0; i < rows.Length; i++)
            {
                keys[i] = rows[i] < 0 ? KeyMap.PaddingKey : _keys.KeyAt(rows[i]);
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
        FinishScores(prepared, nq, columns, rows, scores);
        return new SearchResult(keys, scores, nq, columns);
    }

    /// <summary>Frees the native memory (or memory map) and the device copy.</summary>
    public void Dispose()
    {
        _lock.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _store.Dispose();
            _torch?.Dispose();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private void Insert(ReadOnlySpan<float> vectors, ReadOnlySpan<long> keys, bool upsert)
    {
        var prepared = Prepare(vectors, nameof(vectors), "Vector");
        int n = prepared.Length / Dimensions;
        if (keys.Length != n)
        {
            throw new ArgumentException($"{n} vectors but {keys.Length} keys.", nameof(keys));
        }
        _lock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _keys.ValidateNewKeys(keys, allowStored: upsert);
            int fresh = 0;
            foreach (var key in keys)
            {
                fresh += _keys.Contains(key) ? 0 : 1;
            }
            int total = checked(_keys.Count + fresh);
            _store.EnsureWritable(total);
            if (Metric == Metric.L2 && (_norms is null || _norms.Length < total))
            {
                Array.Resize(ref _norms, Math.Max(total, (_norms?.Length ?? 0) * 2));
            }
            for (int i = 0; i < n; i++)
            {
                var vector = prepared.AsSpan(i * Dimensions, Dimensions);
                if (!_keys.TryGetRow(keys[i], out int row))
                {
                    row = _keys.Append(keys[i]);
                }
                _store.Set(row, vector);
                if (_norms is not null)
                {
                    _norms[row] = StoredNormSquared(row);
                }
            }
            _torch?.Invalidate();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Copies and checks a row-major batch: finite values, non-zero under cosine (then normalised).</summary>
    private float[] Prepare(ReadOnlySpan<float> values, string parameter, string what)
    {
        if (values.Length % Dimensions != 0)
        {
            throw new ArgumentException($"{values.Length} values is not a multiple of the index's {Dimensions} dimensions.", parameter);
        }
        var copy = values.ToArray();
        for (int row = 0; row < copy.Length / Dimensions; row++)
        {
            var v = copy.AsSpan(row * Dimensions, Dimensions);
            for (int j = 0; j < v.Length; j++)
            {
                if (!float.IsFinite(v[j]))
                {
                    throw new ArgumentException($"{what} {row} holds {v[j]} at dimension {j}; values must be finite.", parameter);
                }
            }
            if (Metric == Metric.Cosine)
            {
                float norm = MathF.Sqrt(Dot(v, v));
                if (norm == 0 || !float.IsFinite(norm))
                {
                    throw new ArgumentException($"{what} {row} has zero length; cosine needs a non-zero vector.", parameter);
                }
                for (int j = 0; j < v.Length; j++)
                {
                    v[j] /= norm;
                }
            }
        }
        return copy;
    }

    /// <summary>Internal "higher is closer" scores → the metric's scores; padding slots get the padding score.</summary>
    private void FinishScores(float[] queries, int nq, int k, int[] rows, float[] scores)
    {
        var padding = Metric.PaddingScore();
        for (int i = 0; i < nq; i++)
        {
            float qq = Metric == Metric.L2 ? Dot(queries.AsSpan(i * Dimensions, Dimensions), queries.AsSpan(i * Dimensions, Dimensions)) : 0;
            for (int j = i * k; j < (i + 1) * k; j++)
            {
                scores[j] = rows[j] < 0 ? padding : Metric == Metric.L2 ? Math.Max(0f, qq - scores[j]) : scores[j];
            }
        }
    }

    private unsafe float StoredNormSquared(int row)
    {
        Span<float> v = Dimensions <= 4096 ? stackalloc float[Dimensions] : new float[Dimensions];
        _store.ReadFloat(row, v);
        return Dot(v, v);
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0; // double: norms must not drift with the dimension count
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }
        return (float)sum;
    }

    private T Read<T>(Func<T> read)
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
}
