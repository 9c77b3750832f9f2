using System.Buffers.Binary;
using System.Text;

namespace MultiModal.Encoders.IO;

/// <summary>
/// NumPy <c>.npy</c> files (format 1.0/2.0/3.0) of little-endian float32 or int64 arrays in C order: what
/// <c>numpy.save</c> writes and <c>numpy.load</c> reads. Writes are atomic; reads validate the header against the
/// file size before allocating.
/// </summary>
public static class NpyFile
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes a float32 array of the given shape (C order).</summary>
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<long> shape) =>
        WriteCore(path, "<f4", System.Runtime.InteropServices.MemoryMarshal.AsBytes(data), data.Length, shape);

    /// <summary>Writes an int64 array of the given shape (C order).</summary>
    public static void Write(string path, ReadOnlySpan<long> data, ReadOnlySpan<long> shape) =>
        WriteCore(path, "<i8", System.Runtime.InteropServices.MemoryMarshal.AsBytes(data), data.Length, shape);

    /// <summary>Reads a float32 array; returns the data and its shape. For arrays too large for one managed array use <see cref="NpyReader"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a C-order little-endian float32 .npy file, or is too large for one array; the message names the file.</exception>
    public static (float[] Data, long[] Shape) ReadFloat32(string path)
    {
        using var reader = Open(path, "<f4");
        var data = new float[reader.Count];
        reader.ReadFloat32(data);
        return (data, reader.Shape.ToArray());
    }

    /// <summary>Reads an int64 array; returns the data and its shape.</summary>
    /// <exception cref="InvalidDataException">The file is not a C-order little-endian int64 .npy file, or is too large for one array; the message names the file.</exception>
    public static (long[] Data, long[] Shape) ReadInt64(string path)
    {
        using var reader = Open(path, "<i8");
        var data = new long[reader.Count];
        reader.ReadInt64(data);
        return (data, reader.Shape.ToArray());
    }

    private static NpyReader Open(string path, string descr)
    {
        var reader = NpyReader.Open(path);
        try
        {
            reader.RequireDescr(descr);
            if (reader.Count > Array.MaxLength)
            {
                throw new InvalidDataException($"{path}: {reader.Count} values do not fit one array; stream it with NpyReader.");
            }
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
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
        using var writer = AtomicFile.Create(path);
        var stream = writer.Stream;
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(header);
        stream.Write(payload);
        writer.Commit();
    }
}
