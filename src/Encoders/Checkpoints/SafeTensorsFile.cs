using System.Buffers.Binary;
using System.Collections.ObjectModel;
using Microsoft.Win32.SafeHandles;
using TorchSharp;

namespace MultiModal.Encoders.Checkpoints;

/// <summary>
/// A read-only view of a safetensors file (https://github.com/huggingface/safetensors): the header is parsed
/// and validated on <see cref="Open"/>, tensors are read on demand straight into TorchSharp CPU storage.
/// </summary>
/// <remarks>
/// <para>Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the data buffer that the
/// header's <c>data_offsets</c> index. Every malformed or hostile file fails in <see cref="Open"/> with a
/// <see cref="CheckpointFormatException"/>; see <see cref="SafeTensorsReadOptions"/> for the limits.</para>
/// <para>Thread safety: <see cref="ReadTensor"/> may be called from several threads at once; it uses positional
/// reads (<see cref="RandomAccess"/>) and shares no mutable state. <see cref="Dispose"/> must not race with reads
/// (a read that loses the race throws <see cref="ObjectDisposedException"/>).</para>
/// </remarks>
public sealed class SafeTensorsFile : IDisposable
{
    private const int PrefixBytes = 8;

    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;
    private readonly int _chunkBytes;
    private readonly bool _rejectNonFinite;
    private readonly Dictionary<string, SafeTensorInfo> _entries;
    private int _disposed;

    private SafeTensorsFile(
        string filePath, SafeFileHandle handle, long dataStart, SafeTensorsHeader header, SafeTensorsReadOptions options)
    {
        FilePath = filePath;
        _handle = handle;
        _dataStart = dataStart;
        _chunkBytes = options.ReadChunkBytes;
        _rejectNonFinite = options.RejectNonFinite;
        Metadata = new ReadOnlyDictionary<string, string>(header.Metadata);
        _entries = header.Tensors;
        // Callers get their own shape arrays: mutating one must not make ReadTensor read the wrong byte range.
        Tensors = new ReadOnlyDictionary<string, SafeTensorInfo>(
            header.Tensors.ToDictionary(p => p.Key, p => p.Value with { Shape = (long[])p.Value.Shape.Clone() }, StringComparer.Ordinal));
    }

    /// <summary>The full path of the opened file.</summary>
    public string FilePath { get; }

    /// <summary>The header's "__metadata__" string map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Every tensor in the file by name, validated against the file's size.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }

    /// <summary>Opens <paramref name="path"/>, reads and validates its header; tensor data is not read yet.</summary>
    /// <param name="path">The .safetensors file.</param>
    /// <param name="options">Limits; <c>null</c> for the defaults.</param>
    /// <returns>The open file; dispose it to release the handle.</returns>
    /// <exception cref="CheckpointFormatException">The file is not a valid safetensors file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static SafeTensorsFile Open(string path, SafeTensorsReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new SafeTensorsReadOptions();
        options.Validate();
        var fullPath = Path.GetFullPath(path);
        var handle = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            var fileLength = RandomAccess.GetLength(handle);
            if (fileLength < PrefixBytes)
            {
                throw new CheckpointFormatException(
                    fullPath, $"the file is {fileLength} bytes, shorter than the 8-byte safetensors header length.");
            }
            Span<byte> prefix = stackalloc byte[PrefixBytes];
            ReadExactly(handle, prefix, 0, fullPath, "the header length");
            // Compare as unsigned before any cast or allocation: a hostile 2^63+ length must not turn negative.
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > (ulong)options.MaxHeaderBytes)
            {
                throw new CheckpointFormatException(
                    fullPath, $"the header length {headerLength} exceeds the limit of {options.MaxHeaderBytes} bytes (MaxHeaderBytes).");
            }
            if (headerLength > (ulong)(fileLength - PrefixBytes))
            {
                throw new CheckpointFormatException(
                    fullPath, $"the header length {headerLength} is larger than the {fileLength - PrefixBytes} bytes after the length prefix (file truncated?).");
            }
            var json = new byte[(int)headerLength];
            ReadExactly(handle, json, PrefixBytes, fullPath, "the header");
            var dataStart = PrefixBytes + (long)headerLength;
            var header = SafeTensorsHeader.Parse(json, fileLength - dataStart, fullPath);
            return new SafeTensorsFile(fullPath, handle, dataStart, header, options);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads one tensor into a new CPU tensor with the file's shape.</summary>
    /// <param name="name">The tensor's key in the header.</param>
    /// <param name="convertTo">
    /// An element type to convert to after reading (for example <see cref="torch.ScalarType.Float32"/> for F16/BF16
    /// weights), using torch's conversion; <c>null</c> keeps the file's dtype.
    /// </param>
    /// <returns>A new tensor the caller owns (and disposes, or leaves to the current dispose scope).</returns>
    /// <exception cref="KeyNotFoundException">No tensor is called <paramref name="name"/>; the message names the file.</exception>
    /// <exception cref="CheckpointFormatException">
    /// The file changed since opening, a BOOL tensor holds a byte other than 0 or 1, or (with
    /// <see cref="SafeTensorsReadOptions.RejectNonFinite"/>) a floating-point tensor holds NaN or infinite values.
    /// </exception>
    public torch.Tensor ReadTensor(string name, torch.ScalarType? convertTo = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_entries.TryGetValue(name, out var info))
        {
            throw new KeyNotFoundException(
                $"Tensor '{name}' is not in checkpoint '{FilePath}' (it holds {Tensors.Count} tensors).");
        }
        var tensor = torch.empty(info.Shape, info.DType.ToScalarType(), torch.CPU);
        try
        {
            var elementSize = info.DType.ElementSize();
            var scan = _rejectNonFinite && info.DType.IsFloatingPoint();
            long nan = 0, infinite = 0;
            SafeTensorsSpans.ForEachChunk(tensor, elementSize, _chunkBytes, (bytes, offset) =>
            {
                ReadExactly(_handle, bytes, _dataStart + info.Begin + offset, FilePath, $"tensor '{name}'");
                if (info.DType == SafeTensorsDType.Bool)
                {
                    CheckBools(bytes, offset, name);
                }
                else if (scan)
                {
                    // Scanned while the chunk is fresh; the whole tensor is read before failing, so the counts are complete.
                    var (n, i) = NonFiniteScan.Count(bytes, info.DType);
                    nan += n;
                    infinite += i;
                }
            });
            if (nan + infinite > 0)
            {
                throw new CheckpointFormatException(FilePath,
                    $"tensor '{name}' holds {nan} NaN / {infinite} Inf values; non-finite weights are refused (the loaders' AllowNonFiniteWeights option accepts them).");
            }
            if (convertTo is not { } target || target == tensor.dtype)
            {
                return tensor;
            }
            var converted = tensor.to_type(target);
            tensor.Dispose();
            return converted;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Closes the file handle. Reads must have finished.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _handle.Dispose();
        }
    }

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>; a short file is a format error, not a hang.</summary>
    private static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long offset, string filePath, string what)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(handle, destination, offset);
            if (read <= 0)
            {
                throw new CheckpointFormatException(
                    filePath, $"the file ended at byte {offset} while reading {what} (was it truncated or replaced after opening?).");
            }
            destination = destination[read..];
            offset += read;
        }
    }

    /// <summary>torch.bool storage must hold 0 or 1; any other byte makes comparisons and sums silently wrong.</summary>
    private void CheckBools(ReadOnlySpan<byte> bytes, long byteOffset, string name)
    {
        var bad = bytes.IndexOfAnyExcept((byte)0, (byte)1);
        if (bad >= 0)
        {
            throw new CheckpointFormatException(
                FilePath, $"BOOL tensor '{name}' holds byte {bytes[bad]} at element {byteOffset + bad}; only 0 and 1 are valid.");
        }
    }
}
