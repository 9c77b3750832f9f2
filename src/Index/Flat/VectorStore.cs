using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace MultiModal.Index.Flat;

/// <summary>
/// Row-major vectors outside the managed heap: owned 64-byte-aligned native memory, or a read-only memory-mapped
/// file that is copied into native memory on the first write (copy-on-write). Float32 or float16 elements.
/// Not thread-safe: the owning index serialises writers against readers.
/// </summary>
internal sealed unsafe class VectorStore : IDisposable
{
    private byte* _data;
    private long _capacity;
    private MemoryMappedFile? _mapFile;
    private MemoryMappedViewAccessor? _mapView;

    public VectorStore(int dimensions, FlatStorage storage, int capacity)
    {
        Dimensions = dimensions;
        Storage = storage;
        ElementSize = storage == FlatStorage.Float16 ? 2 : 4;
        Reserve(Math.Max(capacity, 16));
    }

    /// <summary>Maps <paramref name="path"/> (holding <paramref name="count"/> rows) read-only.</summary>
    public static VectorStore Map(string path, int dimensions, FlatStorage storage, int count)
    {
        var store = new VectorStore(dimensions, storage, capacity: 0);
        if (count == 0)
        {
            return store;
        }
        store.FreeOwned();
        store._mapFile = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.Read);
        store._mapView = store._mapFile.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* p = null;
        store._mapView.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        store._data = p + store._mapView.PointerOffset;
        store._capacity = count;
        store.Count = count;
        return store;
    }

    public int Dimensions { get; }
    public FlatStorage Storage { get; }
    public int ElementSize { get; }
    public int Count { get; private set; }
    public bool IsMapped => _mapView is not null;
    public long RowBytes => (long)Dimensions * ElementSize;
    public byte* Data => _data;

    public byte* Row(int row) => _data + row * RowBytes;

    /// <summary>Ensures room for <paramref name="rows"/> rows in owned memory (copies a mapped file in).</summary>
    public void EnsureWritable(int rows)
    {
        if (IsMapped || rows > _capacity)
        {
            Reserve(Math.Max(rows, IsMapped ? Count : (int)Math.Min(int.MaxValue, _capacity * 2)));
        }
    }

    /// <summary>Writes <paramref name="vector"/> into <paramref name="row"/> (which must be &lt; capacity); grows Count to cover it.</summary>
    public void Set(int row, ReadOnlySpan<float> vector)
    {
        if (Storage == FlatStorage.Float32)
        {
            vector.CopyTo(new Span<float>(Row(row), Dimensions));
        }
        else
        {
            var dst = new Span<Half>(Row(row), Dimensions);
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = (Half)vector[i];
            }
        }
        Count = Math.Max(Count, row + 1);
    }

    /// <summary>Copies row <paramref name="from"/> over row <paramref name="to"/>.</summary>
    public void Move(int from, int to) =>
        Buffer.MemoryCopy(Row(from), Row(to), RowBytes, RowBytes);

    /// <summary>Declares rows 0..<paramref name="count"/>-1 written (after a bulk read into <see cref="Data"/>).</summary>
    public void MarkFilled(int count) => Count = count;

    /// <summary>Drops the last row.</summary>
    public void RemoveLast() => Count--;

    /// <summary>Rows <paramref name="start"/>.. as float32 into <paramref name="destination"/> (length rows × Dimensions).</summary>
    public void ReadFloat(int start, Span<float> destination)
    {
        if (Storage == FlatStorage.Float32)
        {
            new ReadOnlySpan<float>(Row(start), destination.Length).CopyTo(destination);
            return;
        }
        var src = new ReadOnlySpan<Half>(Row(start), destination.Length);
        for (int i = 0; i < src.Length; i++)
        {
            destination[i] = (float)src[i];
        }
    }

    public void Dispose()
    {
        FreeOwned();
        _capacity = 0;
        Count = 0;
    }

    private void Reserve(long rows)
    {
        long bytes = Math.Max(1, rows * RowBytes);
        var fresh = (byte*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
        if (_data is not null && Count > 0)
        {
            Buffer.MemoryCopy(_data, fresh, bytes, Count * RowBytes);
        }
        FreeOwned();
        _data = fresh;
        _capacity = rows;
    }

    private void FreeOwned()
    {
        if (_mapView is not null)
        {
            _mapView.SafeMemoryMappedViewHandle.ReleasePointer();
            _mapView.Dispose();
            _mapFile!.Dispose();
            _mapView = null;
            _mapFile = null;
        }
        else if (_data is not null)
        {
            NativeMemory.AlignedFree(_data);
        }
        _data = null;
    }
}
