namespace MultiModal.Bench.Soak.Truth;

/// <summary>
/// One immutable version of the ground truth: which key holds which vector after the writer's first
/// <see cref="Version"/> operations. Keys are <see cref="KeyBase"/> + a slot in [0, capacity).
/// </summary>
/// <remarks>
/// A persistent array: slots live in 256-slot chunks, and a new version copies only the chunk table and the chunks it
/// changes, so publishing a version per operation costs about a kilobyte. Versions are linked forward
/// (<see cref="Next"/>): a searcher holding the version it started from can reach every later one, and versions
/// no searcher holds any more are collected.
/// </remarks>
internal sealed class TruthState
{
    /// <summary>Keys start here: beyond 32 bits, to exercise the 64-bit key paths.</summary>
    public const long KeyBase = 5_000_000_000L;

    private const int ChunkBits = 8;
    private const int ChunkSize = 1 << ChunkBits;
    private readonly TruthVector?[][] _chunks;
    private TruthState? _next;

    private TruthState(long version, TruthVector?[][] chunks, int count, int[] changed)
    {
        Version = version;
        _chunks = chunks;
        Count = count;
        Changed = changed;
    }

    /// <summary>Operations applied so far.</summary>
    public long Version { get; }

    /// <summary>Stored keys.</summary>
    public int Count { get; }

    /// <summary>Slot capacity (keys are <see cref="KeyBase"/> + slot).</summary>
    public int Capacity => _chunks.Length * ChunkSize;

    /// <summary>Slots whose vector this version changed relative to the previous one.</summary>
    public int[] Changed { get; }

    /// <summary>The following version, once the writer has created it.</summary>
    public TruthState? Next => Volatile.Read(ref _next);

    public static TruthState Empty(int capacity) =>
        new(0, Enumerable.Range(0, (capacity + ChunkSize - 1) / ChunkSize).Select(_ => new TruthVector?[ChunkSize]).ToArray(), 0, []);

    public TruthVector? Get(int slot) => _chunks[slot >> ChunkBits][slot & (ChunkSize - 1)];

    public static long KeyOf(int slot) => KeyBase + slot;

    /// <summary>The slot of <paramref name="key"/>, or -1 when it is outside the key space.</summary>
    public int SlotOf(long key) => key >= KeyBase && key < KeyBase + Capacity ? (int)(key - KeyBase) : -1;

    /// <summary>Calls <paramref name="visit"/> for every stored slot.</summary>
    public void ForEach(Action<int, TruthVector> visit)
    {
        for (var c = 0; c < _chunks.Length; c++)
        {
            var chunk = _chunks[c];
            for (var i = 0; i < chunk.Length; i++)
            {
                if (chunk[i] is { } v)
                {
                    visit((c << ChunkBits) + i, v);
                }
            }
        }
    }

    /// <summary>
    /// The next version: <paramref name="changes"/> set slots to vectors (null removes). Links it as <see cref="Next"/>;
    /// only the writer calls this, once per version.
    /// </summary>
    public TruthState Apply(IReadOnlyList<(int Slot, TruthVector? Vector)> changes)
    {
        if (_next is not null)
        {
            throw new InvalidOperationException($"Version {Version} already has a successor.");
        }
        var chunks = (TruthVector?[][])_chunks.Clone();
        var copied = new HashSet<int>();
        var count = Count;
        var changed = new int[changes.Count];
        for (var i = 0; i < changes.Count; i++)
        {
            var (slot, vector) = changes[i];
            var c = slot >> ChunkBits;
            if (copied.Add(c))
            {
                chunks[c] = (TruthVector?[])chunks[c].Clone();
            }
            var old = chunks[c][slot & (ChunkSize - 1)];
            count += (vector is null ? 0 : 1) - (old is null ? 0 : 1);
            chunks[c][slot & (ChunkSize - 1)] = vector;
            changed[i] = slot;
        }
        var next = new TruthState(Version + 1, chunks, count, changed);
        Volatile.Write(ref _next, next);
        return next;
    }
}
