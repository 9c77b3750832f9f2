using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MultiModal.Encoders.IO;

/// <summary>
/// NumPy <c>.npy</c> files (format 1.0/2.0/3.0) of little-endian float32 or int64 arrays in C order: what
/// <c>numpy.save</c> writes and <c>numpy.load</c> reads. Writes are atomic; reads validate the header against the
/// file size before allocating.
/// </summary>
public static partial class NpyFile
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes a float32 array of the given shape (C order).</summary>
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<long> shape) =>
        WriteCore(path, "<f4", System.Runtime.InteropServices.MemoryMarshal.AsBytes(data), data.Length, shape);

    /// <summary>Writes an int64 array of the given shape (C order).</summary>
    public static void Write(string path, ReadOnlySpan<long> data, ReadOnlySpan<long> shape) =>
        WriteCore(path, "<i8", System.Runtime.InteropServices.MemoryMarshal.AsBytes(data), data.Length, shape);

    /// <summary>Reads a float32 array; returns the data and its shape.</summary>
    /// <exception cref="InvalidDataException">The file is not a C-order little-endian float32 .npy file; the message names the file.</exception>
    public static (float[] Data, long[] Shape) ReadFloat32(string path)
    {
        var (bytes, offset, shape) = ReadCore(path, "<f4", sizeof(float));
        var data = new float[(bytes.Length - offset) / sizeof(float)];
        bytes.AsSpan(offset).CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        return (data, shape);
    }

    /// <summary>Reads an int64 array; returns the data and its shape.</summary>
    /// <exception cref="InvalidDataException">The file is not a C-order little-endian int64 .npy file; the message names the file.</exception>
    public static (long[] Data, long[] Shape) ReadInt64(string path)
    {
        var (bytes, offset, shape) = ReadCore(path, "<i8", sizeof(long));
        var data = new long[(bytes.Length - offset) / sizeof(long)];
        bytes.AsSpan(offset).CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        return (data, shape);
    }

    private static void WriteCore(string path, string descr, ReadOnlySpan<byte> payload, long count, ReadOnlySpan<long> shape)
    {
        long expected = 1;
        foreach (var d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            expected = checked(expected * d);
        }
        if (expected != count)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", shape.ToArray())}] holds {expected} values, data has {count}.", nameof(shape));
        }
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray());
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        // Version 1.0: magic, 2 version bytes, u16 header length; header padded with spaces to a 64-byte boundary, ending in '\n'.
        int unpadded = 10 + dict.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        var header = Encoding.ASCII.GetBytes(dict + new string(' ', padding) + "\n");
        var tmp = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(Magic);
                stream.Write([1, 0]);
                Span<byte> len = stackalloc byte[2];
                BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
                stream.Write(len);
                stream.Write(header);
                stream.Write(payload);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }

    private static (byte[] Bytes, int Offset, long[] Shape) ReadCore(string path, string wantDescr, int itemSize)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path}: not a .npy file (bad magic).");
        }
        int major = bytes[6];
        int headerLength, start;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            start = 10;
        }
        else if (major is 2 or 3 && bytes.Length >= 12)
        {
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
            headerLength = len > int.MaxValue ? int.MaxValue : (int)len;
            start = 12;
        }
        else
        {
            throw new InvalidDataException($"{path}: unsupported .npy format version {major}.");
        }
        if ((long)start + headerLength > bytes.Length)
        {
            throw new InvalidDataException($"{path}: header length {headerLength} runs past the end of the file ({bytes.Length} bytes).");
        }
        var header = Encoding.Latin1.GetString(bytes, start, headerLength);
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
        {
            throw new InvalidDataException($"{path}: malformed .npy header '{header.Trim()}'.");
        }
        if (descr.Groups[1].Value != wantDescr)
        {
            throw new InvalidDataException($"{path}: dtype '{descr.Groups[1].Value}', expected '{wantDescr}'.");
        }
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
        int offset = start + headerLength;
        if ((bytes.Length - offset) != count * itemSize)
        {
            throw new InvalidDataException($"{path}: shape ({string.Join(", ", shape)}) needs {count * itemSize} data bytes, the file has {bytes.Length - offset} (truncated or corrupt).");
        }
        return (bytes, offset, shape);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
