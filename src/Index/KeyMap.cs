namespace MultiModal.Index;

/// <summary>
/// External 64-bit keys ↔ dense rows <c>0..Count-1</c>: a <c>long[]</c> per row plus a key → row dictionary.
/// Removal swaps the last row into the hole (FAISS IndexIDMap2-style), so rows stay dense.
/// </summary>
/// <remarks>
/// Shared by the indexes of this assembly: an index that stores vectors by row (flat) moves its row data in step
/// with <see cref="RemoveAt"/>; an index whose engine keeps its own keys (USearch HNSW) can use it only to validate
/// batches (<see cref="ValidateNewKeys"/>). Persisted as <c>keys.i64</c> (raw little-endian int64, one per row) by
/// <see cref="Persistence.IndexFiles"/>. Not thread-safe: the owning index serialises writers.
/// </remarks>
internal sealed class KeyMap
{
    /// <summary>The key that pads search results; never stored.</summary>
    public const long PaddingKey = -1;

    private long[] _keys;
    private readonly Dictionary<long, int> _rows;

    public KeyMap(int capacity = 0)
    {
        _keys = new long[Math.Max(capacity, 4)];
        _rows = new Dictionary<long, int>(capacity);
    }

    /// <summary>Builds a map from persisted rows; throws <see cref="ArgumentException"/> naming a duplicate or -1 key.</summary>
    public static KeyMap FromRows(ReadOnlySpan<long> keys)
    {
        var map = new KeyMap(keys.Length);
        for (int row = 0; row < keys.Length; row++)
        {
            var key = keys[row];
            if (key == PaddingKey)
            {
                throw new ArgumentException($"Row {row} holds key -1, the padding key.", nameof(keys));
            }
            if (!map._rows.TryAdd(key, row))
            {
                throw new ArgumentException($"Key {key} is stored twice (rows {map._rows[key]} and {row}).", nameof(keys));
            }
            map._keys[row] = key;
        }
        map.Count = keys.Length;
        return map;
    }

    /// <summary>Number of rows.</summary>
    public int Count { get; private set; }

    /// <summary>The keys of rows <c>0..Count-1</c>.</summary>
    public ReadOnlySpan<long> Keys => _keys.AsSpan(0, Count);

    /// <summary>The key stored at <paramref name="row"/>.</summary>
    public long KeyAt(int row) => _keys[row];

    /// <summary>The row of <paramref name="key"/>, if stored.</summary>
    public bool TryGetRow(long key, out int row) => _rows.TryGetValue(key, out row);

    /// <summary>Whether <paramref name="key"/> is stored.</summary>
    public bool Contains(long key) => _rows.ContainsKey(key);

    /// <summary>
    /// Checks a batch before anything is written: no -1 key, no key repeated in the batch, and (unless
    /// <paramref name="allowStored"/>) no key already stored. Throws <see cref="ArgumentException"/> naming the key.
    /// </summary>
    public void ValidateNewKeys(ReadOnlySpan<long> keys, bool allowStored)
    {
        var seen = new HashSet<long>(keys.Length);
        for (int i = 0; i < keys.Length; i++)
        {
            var key = keys[i];
            if (key == PaddingKey)
            {
                throw new ArgumentException($"Key -1 (batch row {i}) is reserved as the padding key.", nameof(keys));
            }
            if (!seen.Add(key))
            {
                throw new ArgumentException($"Key {key} appears twice in the batch (second at row {i}).", nameof(keys));
            }
            if (!allowStored && _rows.ContainsKey(key))
            {
                throw new ArgumentException($"Key {key} (batch row {i}) is already stored; use Upsert to replace it.", nameof(keys));
            }
        }
    }

    /// <summary>Appends <paramref name="key"/> as row <see cref="Count"/> and returns that row.</summary>
    public int Append(long key)
    {
        if (Count == _keys.Length)
        {
            Array.Resize(ref _keys, checked(_keys.Length * 2));
        }
        _keys[Count] = key;
        _rows.Add(key, Count);
        return Count++;
    }

    /// <summary>
    /// Removes <paramref name="row"/> by moving the last row into it; returns the row that moved (the old last row),
    /// or -1 when the removed row was the last. The caller moves its row data the same way.
    /// </summary>
    public int RemoveAt(int row)
    {
        int last = Count - 1;
        _rows.Remove(_keys[row]);
        if (row != last)
        {
            _keys[row] = _keys[last];
            _rows[_keys[row]] = row;
        }
        Count--;
        return row == last ? -1 : last;
    }
}
