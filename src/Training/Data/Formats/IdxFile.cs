using System.Buffers.Binary;
using System.IO.Compression;

namespace MultiModal.Training.Data;

/// <summary>
/// An IDX file (LeCun's MNIST format): magic <c>00 00 08 ndims</c> (0x08 = unsigned byte), ndims big-endian int32
/// sizes, then the bytes in row-major order. Plain or gzip-compressed (detected from the content).
/// </summary>
internal sealed class IdxFile
{
    /// <summary>Guard on the decoded payload: far above MNIST-sized data, far below a corrupt header's billions.</summary>
    private const long MaxPayloadBytes = 1L << 31;

    private IdxFile(int[] dimensions, byte[] data)
    {
        Dimensions = dimensions;
        Data = data;
    }

    public int[] Dimensions { get; }

    public byte[] Data { get; }

    /// <summary>Reads a ubyte IDX file with <paramref name="expectedDimensions"/> dimensions, checking sizes exactly.</summary>
    /// <exception cref="DatasetFormatException">Bad magic, type, dimension count or size; truncated or trailing data; corrupt gzip.</exception>
    public static IdxFile Read(string path, int expectedDimensions)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"IDX file {path} does not exist.", path);
        }
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        bool gzip = file.ReadByte() == 0x1F & file.ReadByte() == 0x8B;
        file.Position = 0;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return Read(stream, path, expectedDimensions);
        }
        catch (InvalidDataException ex)
        {
            throw new DatasetFormatException(path, $"corrupt gzip data: {ex.Message}", innerException: ex);
        }
    }

    private static IdxFile Read(Stream stream, string path, int expectedDimensions)
    {
        Span<byte> magic = stackalloc byte[4];
        if (ReadFully(stream, magic) < 4)
        {
            throw new DatasetFormatException(path, "file is shorter than the 4-byte IDX magic");
        }
        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new DatasetFormatException(path, $"bad IDX magic {Convert.ToHexString(magic)} (expected 0000 08 0{expectedDimensions})");
        }
        if (magic[2] != 0x08)
        {
            throw new DatasetFormatException(path, $"IDX element type 0x{magic[2]:X2} is not 0x08 (unsigned byte)");
        }
        if (magic[3] != expectedDimensions)
        {
            throw new DatasetFormatException(path, $"IDX file has {magic[3]} dimensions, expected {expectedDimensions} ({(expectedDimensions == 3 ? "images: count, rows, columns" : "labels: count")})");
        }
        var dims = new int[expectedDimensions];
        Span<byte> word = stackalloc byte[4];
        long total = 1;
        for (int d = 0; d < dims.Length; d++)
        {
            if (ReadFully(stream, word) < 4)
            {
                throw new DatasetFormatException(path, "file ends inside the IDX header");
            }
            int size = BinaryPrimitives.ReadInt32BigEndian(word);
            if (size <= 0)
            {
                throw new DatasetFormatException(path, $"IDX dimension {d} is {size}; sizes must be positive");
            }
            dims[d] = size;
            total *= size;
            if (total > MaxPayloadBytes)
            {
                throw new DatasetFormatException(path, $"IDX header declares more than {MaxPayloadBytes} bytes ({string.Join(" x ", dims[..(d + 1)])}...)");
            }
        }
        var data = new byte[total];
        int read = ReadFully(stream, data);
        if (read < total)
        {
            throw new DatasetFormatException(path, $"truncated: the header ({string.Join(" x ", dims)}) declares {total} data bytes, the file holds {read}");
        }
        if (stream.ReadByte() >= 0)
        {
            throw new DatasetFormatException(path, $"trailing bytes after the {total} data bytes the header ({string.Join(" x ", dims)}) declares");
        }
        return new IdxFile(dims, data);
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }
}
