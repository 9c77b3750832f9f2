using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace MultiModal.Encoders.IO;

/// <summary>
/// Streams the values of a <c>.npy</c> file (C order, little-endian float32 or int64) in caller-sized pieces, so
/// arrays of any size (a 1M × 512 float32 file is 2 GB) can be consumed without holding them in memory. The header
/// is validated against the file size when the reader opens.
/// </summary>
public sealed partial class NpyReader : IDisposable
{
    private const int MaxHeaderLength = 1 << 20;
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private readonly FileStream _stream;
    private long _valuesRead;

    private NpyReader(FileStream stream, string path, string descr, long[] shape, long count)
    {
        _stream = stream;
        Path = path;
        Descr = descr;
        Shape = shape;
        Count = count;
    }

    /// <summary>The file path.</summary>
    public string Path { get; }

    /// <summary>The NumPy dtype descriptor: <c>&lt;f4</c> (float32) or <c>&lt;i8</c> (int64).</summary>
    public string Descr { get; }

    /// <summary>The array shape.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Number of values (product of <see cref="Shape"/>).</summary>
    public long Count { get; }

    /// <summary>Values not yet read.</summary>
    public long Remaining => Count - _valuesRead;

    /// <summary>Opens <paramref name="path"/> and validates its header and size.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Not a C-order little-endian float32/int64 .npy file, or truncated; the message names the file.</exception>
    public static NpyReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var stream = RegularFile.OpenRead(path, 1 << 20);
        try
        {
            var (descr, shape, count, itemSize) = ReadHeader(stream, path);
            long data = stream.Length - stream.Position;
            if (count > long.MaxValue / itemSize || data != count * itemSize)
            {
                throw new InvalidDataException($"{path}: shape ({string.Join(", ", shape)}) needs {count * itemSize} data bytes, the file has {data} (truncated or corrupt).");
            }
            return new NpyReader(stream, path, descr, shape, count);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads the next <c>destination.Length</c> values of a float32 file.</summary>
    /// <exception cref="InvalidDataException">The file is not float32, or fewer values remain.</exception>
    public void ReadFloat32(Span<float> destination) => ReadCore("<f4", MemoryMarshal.AsBytes(destination), destination.Length);

    /// <summary>Reads the next <c>destination.Length</c> values of an int64 file.</summary>
    /// <exception cref="InvalidDataException">The file is not int64, or fewer values remain.</exception>
    public void ReadInt64(Span<long> destination) => ReadCore("<i8", MemoryMarshal.AsBytes(destination), destination.Length);

    /// <summary>Closes the file.</summary>
    public void Dispose() => _stream.Dispose();

    /// <summary>Throws unless the file holds dtype <paramref name="descr"/>.</summary>
    internal void RequireDescr(string descr)
    {
        if (Descr != descr)
        {
            throw new InvalidDataException($"{Path}: holds {DtypeName(Descr)} values ('{Descr}'), {DtypeName(descr)} ('{descr}') needed.");
        }
    }

    private void ReadCore(string descr, Span<byte> bytes, int values)
    {
        RequireDescr(descr);
        if (values > Remaining)
        {
            throw new InvalidDataException($"{Path}: asked for {values} values, {Remaining} remain.");
        }
        try
        {
            _stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{Path}: the file ended early (it shrank while being read).", e);
        }
        _valuesRead += values;
    }

    private static (string Descr, long[] Shape, long Count, int ItemSize) ReadHeader(Stream stream, string path)
    {
        Span<byte> prefix = stackalloc byte[12];
        int got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < 10 || !prefix[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path}: not a .npy file (bad magic).");
        }
        int major = prefix[6];
        long headerLength;
        int start;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]);
            start = 10;
        }
        else if (major is 2 or 3 && got >= 12)
        {
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
            start = 12;
        }
        else
        {
            throw new InvalidDataException($"{path}: unsupported .npy format version {major}.");
        }
        if (headerLength > MaxHeaderLength || start + headerLength > stream.Length)
        {
            throw new InvalidDataException($"{path}: header length {headerLength} runs past the end of the file ({stream.Length} bytes).");
        }
        var headerBytes = new byte[headerLength];
        stream.Position = start;
        stream.ReadExactly(headerBytes);
        var header = Encoding.Latin1.GetString(headerBytes);
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
        {
            throw new InvalidDataException($"{path}: malformed .npy header '{header.Trim()}'.");
        }
        int itemSize = descr.Groups[1].Value switch
        {
            "<f4" => sizeof(float),
            "<i8" => sizeof(long),
            var other => throw new InvalidDataException(
                $"{path}: holds {DtypeName(other)} values ('{other}'); only float32 ('<f4') and int64 ('<i8') are read. Convert it, e.g. numpy.save(path, array.astype(numpy.float32))."),
        };
        if (fortran.Groups[1].Value != "False")
        {
            throw new InvalidDataException($"{path}: Fortran-order arrays are not supported; save with C order.");
        }
        var shape = shapeMatch.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : throw new InvalidDataException($"{path}: bad shape entry '{s}'."))
            .ToArray();
        long count = 1;
        foreach (var d in shape)
        {
            count = d == 0 ? 0 : (count > long.MaxValue / d ? throw new InvalidDataException($"{path}: shape overflows.") : count * d);
        }
        return (descr.Groups[1].Value, shape, count, itemSize);
    }

    /// <summary>NumPy's name for a dtype descriptor, for messages ("float64" for <c>&lt;f8</c>).</summary>
    private static string DtypeName(string descr)
    {
        if (descr.Length < 3)
        {
            return "unknown";
        }
        var order = descr[0] == '>' ? "big-endian " : "";
        var kind = descr[1] switch
        {
            'f' => "float",
            'i' => "int",
            'u' => "uint",
            'b' => "bool",
            'c' => "complex",
            _ => null,
        };
        return kind is not null && int.TryParse(descr.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int bytes)
            ? $"{order}{kind}{(kind == "bool" ? "" : (bytes * 8).ToString(CultureInfo.InvariantCulture))}"
            : $"'{descr}'";
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
