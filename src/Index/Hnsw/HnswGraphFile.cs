using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Microsoft.Win32.SafeHandles;
using MultiModal.Index.Persistence;

namespace MultiModal.Index.Hnsw;

/// <summary>
/// Checks a saved <c>graph.usearch</c> against the layout USearch 2.26 writes, in managed code, before
/// <c>usearch_load</c> reads it. <c>usearch_load</c> (index_dense_gt::load → load_from_stream) trusts the file: it
/// allocates what the sizes say, reads each node by the level array and never checks a neighbour slot, so a crafted
/// graph whose manifest was re-signed crashes the process on load or on the first search. A manifest that matches
/// the file proves nothing (anyone can recompute its SHA-256), so this structural check is the defence.
/// </summary>
/// <remarks>
/// Layout, as <c>index_dense_gt::save_to_stream</c> (default serialization config: vectors included, 32-bit matrix
/// shape) and <c>index_gt::save_to_stream</c> write it, little-endian, unaligned:
/// <code>
/// u32 rows, u32 row bytes                       the vector matrix shape
/// rows × row bytes                              the vectors, in slot order
/// 64-byte index_dense_head_t                    "usearch", u16 major/minor/patch, u8 metric/scalar/key/slot kinds,
///                                               u64 present/deleted/dimensions, u8 multi, zero padding
/// 40-byte index_serialized_header_t             u64 size, connectivity, connectivity_base, max_level, entry_slot
/// i16 × size                                    each node's top level
/// size node records                             u64 key, i16 level, then for each level 0..level: u32 count and
///                                               capacity × u32 neighbour slots (capacity: connectivity_base on
///                                               level 0, connectivity above)
/// </code>
/// Removed vectors stay as nodes whose key is USearch's free key (all ones, our reserved -1). The invariants checked
/// are those USearch asserts while linking (<c>form_reverse_links_</c>: no self-loops, no duplicate links, a link on
/// level l only to a node that has level l, counts within the level's capacity) plus exact sizes, so every file
/// <see cref="HnswIndex.Save(string)"/> writes passes and nothing that passes can send USearch outside its buffers.
/// </remarks>
internal static unsafe class HnswGraphFile
{
    private const int ShapeBytes = 8;
    private const int HeadBytes = 64;
    private const int GraphHeaderBytes = 40;
    private const int NodeHeadBytes = sizeof(ulong) + sizeof(short);
    private const ulong FreeKey = ulong.MaxValue;

    // index_plugins.hpp: metric_kind_t is a char, scalar_kind_t an enum of bytes.
    private const byte MetricInnerProduct = (byte)'i';
    private const byte MetricL2Squared = (byte)'e';
    private const byte ScalarF32 = 11;
    private const byte ScalarU64 = 14;
    private const byte ScalarU32 = 15;
    private const ushort VersionMajor = 2;

    /// <summary>
    /// Throws <see cref="IndexFormatException"/> naming <paramref name="path"/> and the first problem unless the file
    /// is a well-formed USearch 2.x graph of <paramref name="count"/> live <paramref name="dimensions"/>-wide float32
    /// vectors under <paramref name="metric"/>, built with connectivity <paramref name="m"/>.
    /// </summary>
    public static void Validate(string path, long count, int dimensions, Metric metric, int m)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        long length = stream.Length;
        if (length < ShapeBytes + HeadBytes + GraphHeaderBytes)
        {
            throw Bad(path, $"The file has {length} bytes; USearch's headers alone take {ShapeBytes + HeadBytes + GraphHeaderBytes}.");
        }

        using var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        using var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* data = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref data);
        try
        {
            var file = new Graph(path, data + view.PointerOffset, length);
            file.CheckHead(count, dimensions, metric);
            file.CheckGraphHeader(m);
            file.CheckLevels();
            file.CheckNodes();
            file.CheckVectors(stream.SafeFileHandle);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    private static IndexFormatException Bad(string path, string message) => new(path, message);

    /// <summary>The mapped file and what the checks so far have established about it.</summary>
    private ref struct Graph(string path, byte* data, long length)
    {
        private readonly string _path = path;
        private readonly byte* _data = data;
        private readonly long _length = length;
        private long _rows;
        private long _rowBytes;
        private long _deleted;
        private long _size;
        private long _connectivity;
        private long _connectivityBase;
        private short _maxLevel;
        private long _entry;
        private long _levelsAt;
        private long _nodesAt;

        private readonly T Read<T>(long offset) where T : unmanaged => Unsafe.ReadUnaligned<T>(_data + offset);

        private readonly IndexFormatException Bad(string message) => HnswGraphFile.Bad(_path, message);

        /// <summary>The matrix shape and index_dense_head_t, against the manifest and what <see cref="HnswIndex"/> creates.</summary>
        public void CheckHead(long count, int dimensions, Metric metric)
        {
            _rows = Read<uint>(0);
            _rowBytes = Read<uint>(4);
            // ≤ 2^32 × 2^32 fits in an unsigned 64-bit product.
            if ((ulong)_rows * (ulong)_rowBytes > (ulong)(_length - ShapeBytes - HeadBytes - GraphHeaderBytes))
            {
                throw Bad($"{_rows} vectors of {_rowBytes} bytes do not fit in the file's {_length} bytes.");
            }

            long head = ShapeBytes + (_rows * _rowBytes);
            if (!new ReadOnlySpan<byte>(_data + head, 7).SequenceEqual("usearch"u8))
            {
                throw Bad("The header does not start with USearch's magic 'usearch' (not a USearch index, or the vector matrix size is wrong).");
            }

            var (major, minor, patch) = (Read<ushort>(head + 7), Read<ushort>(head + 9), Read<ushort>(head + 11));
            if (major != VersionMajor)
            {
                throw Bad($"The header says USearch format {major}.{minor}.{patch}; this build reads {VersionMajor}.x files.");
            }

            byte expectedMetric = metric == Metric.L2 ? MetricL2Squared : MetricInnerProduct;
            ExpectKind(Read<byte>(head + 13), expectedMetric, "metric", $"'{(char)expectedMetric}' for {metric}");
            ExpectKind(Read<byte>(head + 14), ScalarF32, "scalar", "float32");
            ExpectKind(Read<byte>(head + 15), ScalarU64, "key", "uint64");
            ExpectKind(Read<byte>(head + 16), ScalarU32, "slot", "uint32");
            ulong present = Read<ulong>(head + 17), deleted = Read<ulong>(head + 25), width = Read<ulong>(head + 33);
            if (Read<byte>(head + 41) != 0)
            {
                throw Bad("The header marks the index as multi-vector per key; HnswIndex keeps one vector per key.");
            }

            if (width != (ulong)dimensions)
            {
                throw Bad($"The graph holds {width}-wide vectors, but manifest.json says {dimensions}.");
            }

            if (_rowBytes != (long)dimensions * sizeof(float))
            {
                throw Bad($"The vector matrix has {_rowBytes}-byte rows, but {dimensions} float32 values take {dimensions * sizeof(float)}.");
            }

            if (present != (ulong)count)
            {
                throw Bad($"The graph holds {present} vectors, but manifest.json says {count}.");
            }

            if (deleted > (ulong)_rows || present + deleted != (ulong)_rows)
            {
                throw Bad($"The header counts {present} present and {deleted} removed vectors, but the vector matrix has {_rows} rows.");
            }

            _deleted = (long)deleted;
            _levelsAt = head + HeadBytes + GraphHeaderBytes;
        }

        /// <summary>index_serialized_header_t: size, connectivities, top level and entry slot.</summary>
        public void CheckGraphHeader(int m)
        {
            long at = _levelsAt - GraphHeaderBytes;
            ulong size = Read<ulong>(at), connectivity = Read<ulong>(at + 8), connectivityBase = Read<ulong>(at + 16);
            ulong maxLevel = Read<ulong>(at + 24), entry = Read<ulong>(at + 32);
            if (size != (ulong)_rows)
            {
                throw Bad($"The graph header says {size} nodes, but the vector matrix has {_rows} rows.");
            }

            // USearch derives connectivity_base = 2 × connectivity (index_config_t); HnswIndex passes M.
            if (connectivity != (ulong)m)
            {
                throw Bad($"The graph's connectivity is {connectivity}, but manifest.json says M = {m}.");
            }

            if (connectivityBase != 2 * (ulong)m)
            {
                throw Bad($"The graph's base-level connectivity is {connectivityBase}, expected 2 × M = {2 * m}.");
            }

            _size = (long)size; // ≤ 2^32: the shape's rows are a u32
            if (_size > Array.MaxLength)
            {
                throw Bad($"The graph has {_size} nodes, more than this build can check ({Array.MaxLength}).");
            }

            _connectivity = m;
            _connectivityBase = 2L * m;
            if (_size == 0)
            {
                return; // USearch stops reading here; the top level and entry slot of an empty graph are unused.
            }

            // load_from_stream casts max_level to the 16-bit level_t.
            if (maxLevel > (ulong)short.MaxValue)
            {
                throw Bad($"The graph's top level {(long)maxLevel} is outside [0, {short.MaxValue}].");
            }

            if (entry >= size)
            {
                throw Bad($"The entry slot {entry} is outside the {size} nodes.");
            }

            _maxLevel = (short)maxLevel;
            _entry = (long)entry;
        }

        /// <summary>The level array: each in [0, top level], the entry at the top, and the exact file length it implies.</summary>
        public void CheckLevels()
        {
            if (_size * sizeof(short) > _length - _levelsAt)
            {
                throw Bad($"The {_size} node levels do not fit in the file's {_length} bytes.");
            }

            _nodesAt = _levelsAt + (_size * sizeof(short));
            long expected = _nodesAt; // < 2^31 nodes × < 2^28 bytes each: no overflow
            for (long i = 0; i < _size; i++)
            {
                short level = Read<short>(_levelsAt + (i * sizeof(short)));
                if (level < 0)
                {
                    throw Bad($"node {i}: level {level} is negative.");
                }

                if (level > _maxLevel)
                {
                    throw Bad($"node {i}: level {level} is above the graph's top level {_maxLevel}.");
                }

                expected += NodeBytes(level);
            }

            if (_size > 0 && LevelOf(_entry) != _maxLevel)
            {
                throw Bad($"The entry node {_entry} has level {LevelOf(_entry)}, but searches start at the top level {_maxLevel}.");
            }

            if (expected != _length)
            {
                throw Bad($"The file has {_length} bytes, but its {_size} nodes and their levels take exactly {expected}.");
            }
        }

        /// <summary>Every node record: its level, its key, and each level's neighbour list.</summary>
        public readonly void CheckNodes()
        {
            var keys = new HashSet<ulong>((int)Math.Min(_size, int.MaxValue));
            // seen[s] == list marks slot s as already linked in the current neighbour list (duplicate check).
            var seen = new int[_size];
            int list = 0;
            long deleted = 0;
            long at = _nodesAt;
            for (long i = 0; i < _size; i++)
            {
                ulong key = Read<ulong>(at);
                short level = Read<short>(at + sizeof(ulong));
                if (level != LevelOf(i))
                {
                    throw Bad($"node {i}: its record says level {level}, but the level array says {LevelOf(i)}.");
                }

                if (key == FreeKey)
                {
                    deleted++;
                }
                else if (!keys.Add(key))
                {
                    throw Bad($"node {i}: key {(long)key} is also the key of an earlier node.");
                }

                long neighbours = at + NodeHeadBytes;
                for (int l = 0; l <= level; l++)
                {
                    if (list == int.MaxValue)
                    {
                        Array.Clear(seen);
                        list = 0;
                    }

                    list++;
                    neighbours = CheckNeighbours(i, l, neighbours, seen, list);
                }

                at = neighbours;
            }

            if (deleted != _deleted)
            {
                throw Bad($"{deleted} nodes carry the free key of removed vectors, but the header counts {_deleted} removed.");
            }
        }

        /// <summary>Every stored float is finite (HnswIndex rejects NaN and infinity on the way in).</summary>
        /// <remarks>Read in chunks rather than through the map: faulting in a large matrix page by page cost ~6× more.</remarks>
        public readonly void CheckVectors(SafeFileHandle handle)
        {
            const int ChunkFloats = 1 << 20; // 4 MiB
            var buffer = GC.AllocateUninitializedArray<float>(ChunkFloats);
            var bytes = MemoryMarshal.AsBytes(buffer.AsSpan());
            long total = _rows * (_rowBytes / sizeof(float));
            for (long start = 0; start < total; start += ChunkFloats)
            {
                var chunk = (int)Math.Min(ChunkFloats, total - start);
                RandomAccess.Read(handle, bytes[..(chunk * sizeof(float))], ShapeBytes + (start * sizeof(float)));
                var bad = FirstNonFinite(MemoryMarshal.Cast<float, uint>(buffer.AsSpan(0, chunk)));
                if (bad >= 0)
                {
                    long i = start + bad, width = _rowBytes / sizeof(float);
                    throw Bad($"node {i / width}: its vector holds {buffer[bad]} at dimension {i % width}; values must be finite.");
                }
            }
        }

        // Index of the first value whose exponent bits are all ones (NaN or ±infinity), or -1.
        private static int FirstNonFinite(ReadOnlySpan<uint> values)
        {
            var exponent = Vector256.Create(0x7F80_0000u);
            int i = 0;
            for (; i <= values.Length - Vector256<uint>.Count; i += Vector256<uint>.Count)
            {
                if (Vector256.EqualsAny(Vector256.Create(values.Slice(i, Vector256<uint>.Count)) & exponent, exponent))
                {
                    break;
                }
            }

            for (; i < values.Length; i++)
            {
                if ((values[i] & 0x7F80_0000u) == 0x7F80_0000u)
                {
                    return i;
                }
            }

            return -1;
        }

        // One level's list at `at`: u32 count, then capacity slots. Returns the offset after it.
        private readonly long CheckNeighbours(long node, int level, long at, int[] seen, int list)
        {
            long capacity = level == 0 ? _connectivityBase : _connectivity;
            uint count = Read<uint>(at);
            if (count > capacity)
            {
                throw Bad($"node {node} level {level}: {count} neighbours, more than the {capacity} this level holds.");
            }

            for (long j = 0; j < count; j++)
            {
                uint slot = Read<uint>(at + sizeof(uint) + (j * sizeof(uint)));
                if (slot >= _size)
                {
                    throw Bad($"node {node} level {level}: neighbour {slot} is outside the {_size} nodes.");
                }

                if (slot == node)
                {
                    throw Bad($"node {node} level {level}: the node links to itself.");
                }

                if (seen[slot] == list)
                {
                    throw Bad($"node {node} level {level}: neighbour {slot} is listed twice.");
                }

                seen[slot] = list;
                if (LevelOf(slot) < level)
                {
                    throw Bad($"node {node} level {level}: neighbour {slot} has no level {level} (its top level is {LevelOf(slot)}).");
                }
            }

            return at + sizeof(uint) + (capacity * sizeof(uint));
        }

        private readonly short LevelOf(long node) => Read<short>(_levelsAt + (node * sizeof(short)));

        private readonly long NodeBytes(short level) =>
            NodeHeadBytes + sizeof(uint) + (_connectivityBase * sizeof(uint)) + (level * (sizeof(uint) + (_connectivity * sizeof(uint))));

        private readonly void ExpectKind(byte actual, byte expected, string what, string name)
        {
            if (actual != expected)
            {
                throw Bad($"The header's {what} kind is {actual}, expected {expected} ({name}).");
            }
        }
    }
}
