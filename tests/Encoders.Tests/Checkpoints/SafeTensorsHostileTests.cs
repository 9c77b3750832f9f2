using System.Buffers.Binary;
using System.Text;
using MultiModal.Encoders.Checkpoints;

namespace MultiModal.Encoders.Tests.Checkpoints;

/// <summary>Malformed and hostile files, built as bytes: each must fail in Open with a message naming the file and problem.</summary>
public sealed class SafeTensorsHostileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("st-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>8-byte little-endian length, the header text, then the data buffer.</summary>
    private static byte[] File(string header, int dataBytes = 0) => File((ulong)Encoding.UTF8.GetByteCount(header), Encoding.UTF8.GetBytes(header), dataBytes);

    private static byte[] File(ulong declaredLength, byte[] header, int dataBytes = 0)
    {
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private static string Entry(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    public static TheoryData<string, byte[], string> Cases() => new()
    {
        { "shorter than 8 bytes", new byte[] { 1, 2, 3 }, "shorter than the 8-byte" },
        { "header longer than the file", File(1000, Encoding.UTF8.GetBytes("{}      ")), "larger than the 8 bytes after the length prefix" },
        { "header not UTF-8", File(8, new byte[] { (byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', 1, (byte)'}' }), "not valid UTF-8" },
        { "header not JSON", File("hello   "), "not valid JSON" },
        { "empty header", File(""), "not valid JSON" },
        { "header an array", File("[1, 2]  "), "not a JSON object" },
        { "trailing garbage", File("{} x    "), "not valid JSON" },
        { "deeply nested unknown field", File("{\"a\":{\"x\":" + new string('[', 40) + new string(']', 40) + "}}"), "not valid JSON" },
        { "entry not an object", File("{\"a\":5}"), "tensor 'a' is a Number, not an object" },
        { "missing dtype", File("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor 'a' has no 'dtype' field" },
        { "missing shape", File("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "tensor 'a' has no 'shape' field" },
        { "missing data_offsets", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "tensor 'a' has no 'data_offsets' field" },
        { "dtype not a string", File("{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "'dtype' that is a Number, not a string" },
        { "shape not an array", File("{\"a\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}", 4), "'shape' that is a String, not an array" },
        { "duplicate field", File("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "duplicate 'dtype' field" },
        { "unknown dtype", File("{" + Entry("a", "Q7", "[1]", 0, 1) + "}", 1), "tensor 'a' has unknown dtype 'Q7'" },
        { "unsupported dtype", File("{" + Entry("w", "F8_E4M3", "[4]", 0, 4) + "}", 4), "tensor 'w' has unsupported dtype 'F8_E4M3'" },
        { "negative dim", File("{" + Entry("a", "F32", "[-1, 2]", 0, 0) + "}"), "'shape' entry -1 that is not a non-negative 64-bit integer" },
        { "fractional dim", File("{" + Entry("a", "F32", "[2.5]", 0, 10) + "}", 10), "'shape' entry 2.5 that is not a non-negative" },
        { "dim beyond int64", File("{" + Entry("a", "U8", "[99999999999999999999]", 0, 1) + "}", 1), "'shape' entry 99999999999999999999 that is not" },
        { "dim not a number", File("{" + Entry("a", "U8", "[\"1\"]", 0, 1) + "}", 1), "'shape' entry String that is not" },
        { "shape product overflows", File("{" + Entry("a", "F32", "[4294967296, 4294967296]", 0, 4) + "}", 4), "byte size overflows 64 bits" },
        { "empty but its strides overflow", File("{" + Entry("a", "F32", "[0, 9223372036854775807, 9223372036854775807]", 0, 0) + "}"), "byte size overflows 64 bits" },
        { "element size overflows", File("{" + Entry("a", "F64", "[2305843009213693952]", 0, 8) + "}", 8), "byte size overflows 64 bits" },
        { "three offsets", File("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1,2]}}", 2), "'data_offsets' with 3 values; expected [begin, end]" },
        { "negative offset", File("{" + Entry("a", "U8", "[1]", -1, 0) + "}", 1), "'data_offsets' entry -1 that is not" },
        { "begin after end", File("{" + Entry("a", "U8", "[1]", 2, 1) + "}", 2), "data_offsets [2, 1] with begin > end" },
        { "end beyond data", File("{" + Entry("a", "F32", "[4]", 0, 16) + "}", 8), "end 16 beyond the data buffer of 8 bytes" },
        { "byte length not shape", File("{" + Entry("a", "F32", "[2, 3]", 0, 20) + "}", 20), "spanning 20 bytes, but shape [2, 3] of F32 needs 24 bytes" },
        { "overlap", File("{" + Entry("a", "F32", "[2]", 0, 8) + "," + Entry("b", "F32", "[2]", 4, 12) + "}", 12), "tensor 'b' [4, 12] overlaps tensor 'a' [0, 8]" },
        { "hole between tensors", File("{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("b", "F32", "[1]", 8, 12) + "}", 12), "bytes [4, 8) before tensor 'b' belong to no tensor" },
        { "hole at the end", File("{" + Entry("a", "F32", "[1]", 0, 4) + "}", 8), "bytes [4, 8) after the last tensor belong to no tensor" },
        { "duplicate tensor", File("{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("a", "F32", "[1]", 4, 8) + "}", 8), "duplicate tensor name 'a'" },
        { "duplicate metadata", File("{\"__metadata__\":{},\"__metadata__\":{}}"), "duplicate key '__metadata__'" },
        { "duplicate metadata key", File("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}"), "'__metadata__' has a duplicate key 'k'" },
        { "metadata not an object", File("{\"__metadata__\":[\"k\"]}"), "'__metadata__' is a StartArray, not an object of strings" },
        { "metadata value not a string", File("{\"__metadata__\":{\"k\":1}}"), "value for 'k' is a Number; metadata values must be strings" },
        { "empty tensor name", File("{" + Entry("", "F32", "[1]", 0, 4) + "}", 4), "a tensor with an empty name" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Open_HostileFile_ThrowsNamingFileAndProblem(string scenario, byte[] bytes, string problem)
    {
        var path = Path.Combine(_dir, "hostile.safetensors");
        System.IO.File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Open(path));

        Assert.Equal(path, ex.FilePath);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Message.Contains(problem, StringComparison.Ordinal), $"{scenario}: '{ex.Message}' lacks '{problem}'");
    }

    [Fact]
    public void Open_HeaderLength2Pow60_FailsFastWithoutAllocating()
    {
        var path = Path.Combine(_dir, "huge.safetensors");
        System.IO.File.WriteAllBytes(path, File(1UL << 60, Encoding.UTF8.GetBytes("{}      ")));
        using (var warm = TryOpen(path)) { } // JIT and first-use allocations out of the measurement

        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Open(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("header length 1152921504606846976 exceeds the limit of 100000000 bytes", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Open_HeaderAboveCustomLimit_ThrowsNamingLimit()
    {
        var header = "{\"__metadata__\":{\"k\":\"" + new string('x', 100) + "\"}}";
        var path = Path.Combine(_dir, "limit.safetensors");
        System.IO.File.WriteAllBytes(path, File(header));

        var ex = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Open(path, new SafeTensorsReadOptions { MaxHeaderBytes = 64 }));

        Assert.Contains("exceeds the limit of 64 bytes (MaxHeaderBytes)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadTensor_BoolByteNotZeroOrOne_ThrowsNamingTensor()
    {
        var bytes = File("{" + Entry("mask", "BOOL", "[3]", 0, 3) + "}", 3);
        bytes[^1] = 2;
        var path = Path.Combine(_dir, "bool.safetensors");
        System.IO.File.WriteAllBytes(path, bytes);
        using var file = SafeTensorsFile.Open(path);

        var ex = Assert.Throws<CheckpointFormatException>(() => file.ReadTensor("mask"));

        Assert.Contains("BOOL tensor 'mask' holds byte 2 at element 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadTensor_FileTruncatedAfterOpen_ThrowsInsteadOfHanging()
    {
        var path = Path.Combine(_dir, "shrinks.safetensors");
        System.IO.File.WriteAllBytes(path, File("{" + Entry("a", "F32", "[4]", 0, 16) + "}", 16));
        using var file = SafeTensorsFile.Open(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.SetLength(stream.Length - 8);
        }

        var ex = Assert.Throws<CheckpointFormatException>(() => file.ReadTensor("a"));

        Assert.Contains("the file ended at byte", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_PaddedHeaderWithUnknownField_IsAccepted()
    {
        var header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2],\"extra\":{\"x\":[1]}}}" + new string(' ', 5);
        var bytes = File(header, 2);
        bytes[^2] = 7;
        bytes[^1] = 9;
        var path = Path.Combine(_dir, "padded.safetensors");
        System.IO.File.WriteAllBytes(path, bytes);

        using var file = SafeTensorsFile.Open(path);
        using var a = file.ReadTensor("a");

        Assert.Equal(new byte[] { 7, 9 }, a.data<byte>().ToArray());
    }

    private static SafeTensorsFile? TryOpen(string path)
    {
        try
        {
            return SafeTensorsFile.Open(path);
        }
        catch (CheckpointFormatException)
        {
            return null;
        }
    }
}
