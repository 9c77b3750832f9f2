using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MultiModal.Encoders.Tests.Imaging;

/// <summary>Builds PNG files chunk by chunk (PNG spec §5), for tests that need exact or hostile layouts.</summary>
internal static class PngBytes
{
    public static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>An IHDR body: width, height (written as raw 32-bit words), bit depth, colour type, no interlace.</summary>
    public static byte[] Header(uint width, uint height, byte bitDepth, byte colorType)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        return ihdr;
    }

    /// <summary>Length, type, body and CRC of one chunk.</summary>
    public static byte[] Chunk(string type, ReadOnlySpan<byte> body)
    {
        var chunk = new byte[12 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, body.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4, 4));
        body.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + body.Length), Crc32(chunk.AsSpan(4, 4 + body.Length)));
        return chunk;
    }

    /// <summary>A whole file: signature, then the chunks in order.</summary>
    public static byte[] File(params byte[][] chunks) => [.. Signature, .. chunks.SelectMany(c => c)];

    /// <summary>Filter type 0 (None) before each row of <paramref name="rows"/> bytes, zlib-compressed (an IDAT body).</summary>
    public static byte[] ImageData(ReadOnlySpan<byte> pixels, int rowBytes)
    {
        using var raw = new MemoryStream();
        for (int offset = 0; offset < pixels.Length; offset += rowBytes)
        {
            raw.WriteByte(0);
            raw.Write(pixels.Slice(offset, rowBytes));
        }
        return Zlib(raw.ToArray());
    }

    /// <summary>A zlib stream (RFC 1950) of <paramref name="data"/>.</summary>
    public static byte[] Zlib(ReadOnlySpan<byte> data)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(data);
        }
        return compressed.ToArray();
    }

    /// <summary>The CRC-32 of the PNG spec (ISO 3309), over chunk type and body.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }
        return ~crc;
    }
}
