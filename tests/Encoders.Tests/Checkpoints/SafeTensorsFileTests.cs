using System.Buffers.Binary;
using System.Text;
using MultiModal.Encoders.Checkpoints;
using TorchSharp;

namespace MultiModal.Encoders.Tests.Checkpoints;

/// <summary>Reading: the Python-written fixture, round trips through the writer, conversion, lookup and threading.</summary>
public sealed class SafeTensorsFileTests : IDisposable
{
    private static readonly double[] Values = { 0, 1, 2, 3.5, 100, 7 };

    private readonly string _dir = Directory.CreateTempSubdirectory("st-file-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Fixture => Path.Combine(TestPaths.Fixtures, "safetensors", "tiny.safetensors");

    public static TheoryData<torch.ScalarType> AllTypes() => new()
    {
        torch.ScalarType.Float64, torch.ScalarType.Float32, torch.ScalarType.Float16, torch.ScalarType.BFloat16,
        torch.ScalarType.Int64, torch.ScalarType.Int32, torch.ScalarType.Int16, torch.ScalarType.Int8,
        torch.ScalarType.Byte, torch.ScalarType.Bool,
    };

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void ReadTensor_RoundTripEveryDType_SameValuesDTypeAndShape(torch.ScalarType type)
    {
        using var scope = torch.NewDisposeScope();
        var original = torch.tensor(Values).reshape(2, 3).to_type(type);
        var path = Path.Combine(_dir, "dtype.safetensors");

        SafeTensorsWriter.Save(path, new Dictionary<string, torch.Tensor> { ["t"] = original });
        using var file = SafeTensorsFile.Open(path);
        var read = file.ReadTensor("t");

        Assert.Equal(type, read.dtype);
        Assert.Equal(new long[] { 2, 3 }, read.shape);
        Assert.Equal(original.bytes.ToArray(), read.bytes.ToArray());
        // Exact: every value is representable in every dtype after the cast (3.5 truncates to 3 in integers).
        double[] expected = type switch
        {
            torch.ScalarType.Bool => new double[] { 0, 1, 1, 1, 1, 1 },
            torch.ScalarType.Float64 or torch.ScalarType.Float32 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16 => Values,
            _ => new double[] { 0, 1, 2, 3, 100, 7 },
        };
        Assert.Equal(expected, read.to_type(torch.ScalarType.Float64).data<double>().ToArray());
    }

    public static TheoryData<long[]> Shapes() => new() { Array.Empty<long>(), new long[] { 0, 3 }, new long[] { 2, 3, 1, 2 }, new long[] { 5 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ReadTensor_RoundTripShapes_SameShapeAndValues(long[] shape)
    {
        using var scope = torch.NewDisposeScope();
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var original = torch.arange(count, dtype: torch.ScalarType.Float32).reshape(shape).mul(0.25);
        var path = Path.Combine(_dir, "shape.safetensors");

        SafeTensorsWriter.Save(path, new[] { KeyValuePair.Create("t", original) });
        using var file = SafeTensorsFile.Open(path);
        var read = file.ReadTensor("t");

        Assert.Equal(shape, read.shape);
        Assert.Equal(shape, file.Tensors["t"].Shape);
        Assert.Equal(count * 4, file.Tensors["t"].ByteLength);
        Assert.Equal(count, read.numel());
        if (count > 0) // TorchSharp 0.107's TensorAccessor.ToArray throws on empty tensors
        {
            Assert.Equal(Enumerable.Range(0, (int)count).Select(i => i * 0.25f).ToArray(), read.data<float>().ToArray());
        }
    }

    [Fact]
    public void Open_MetadataRoundTrip_SameStrings()
    {
        using var t = torch.ones(2);
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\" <b>", ["empty"] = "" };
        var path = Path.Combine(_dir, "meta.safetensors");

        SafeTensorsWriter.Save(path, new Dictionary<string, torch.Tensor> { ["w"] = t }, metadata);
        using var file = SafeTensorsFile.Open(path);

        Assert.Equal(metadata.OrderBy(p => p.Key), file.Metadata.OrderBy(p => p.Key));
    }

    [Fact]
    public void Open_PythonWrittenFixture_ReadsEveryTensorExactly()
    {
        using var scope = torch.NewDisposeScope();
        using var file = SafeTensorsFile.Open(Fixture);

        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(13, file.Tensors.Count);
        Assert.Equal(new[] { Math.PI, -1e300 }, file.ReadTensor("f64").data<double>().ToArray());
        Assert.Equal(new[] { -1f, -0.5f, 0f, 0.5f, 1f, 1.5f }, file.ReadTensor("f32").data<float>().ToArray());
        Assert.Equal(new[] { -(1L << 62), 0, (1L << 53) + 1 }, file.ReadTensor("i64").data<long>().ToArray());
        Assert.Equal(new[] { int.MinValue, int.MaxValue }, file.ReadTensor("i32").data<int>().ToArray());
        Assert.Equal(new short[] { short.MinValue, short.MaxValue }, file.ReadTensor("i16").data<short>().ToArray());
        Assert.Equal(new sbyte[] { -128, 127 }, file.ReadTensor("i8").data<sbyte>().ToArray());
        Assert.Equal(new byte[] { 0, 255 }, file.ReadTensor("u8").data<byte>().ToArray());
        Assert.Equal(new[] { true, false, true }, file.ReadTensor("bool").data<bool>().ToArray());
        Assert.Equal(new long[] { 1, 3 }, file.ReadTensor("bool").shape);
        var scalar = file.ReadTensor("scalar");
        Assert.Empty(scalar.shape);
        Assert.Equal(42f, scalar.item<float>());
        Assert.Equal(new long[] { 0, 3 }, file.ReadTensor("empty").shape);
        Assert.Equal(new long[] { 2, 1, 2, 2 }, file.ReadTensor("conv.weight").shape);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (float)i).ToArray(), file.ReadTensor("conv.weight").data<float>().ToArray());
    }

    [Fact]
    public void ReadTensor_HalfAndBFloat16ToFloat32_MatchesTorchValues()
    {
        using var scope = torch.NewDisposeScope();
        using var file = SafeTensorsFile.Open(Fixture);

        var f16 = file.ReadTensor("f16", torch.ScalarType.Float32);
        var bf16 = file.ReadTensor("bf16", torch.ScalarType.Float32);

        // Exact (tolerance 0): widening F16/BF16 to F32 is lossless; the constants are what torch 1.13 printed for
        // tensor.float() in generate.py (0.1 rounds differently in each format; 1e-7 and 1e-40 are subnormal).
        Assert.Equal(torch.ScalarType.Float32, f16.dtype);
        Assert.Equal(new long[] { 2, 2 }, f16.shape);
        Assert.Equal(new[] { 0.0999755859375f, -2.5f, 65504f, 1.1920928955078125e-07f }, f16.data<float>().ToArray());
        Assert.Equal(new[] { 0.10009765625f, -2.5f, 3.00405527047391e+38f, 9.183549615799121e-41f }, bf16.data<float>().ToArray());
        Assert.Equal(torch.ScalarType.BFloat16, file.ReadTensor("bf16").dtype);
    }

    [Fact]
    public void ReadTensor_UnknownName_ThrowsNamingTensorAndFile()
    {
        using var file = SafeTensorsFile.Open(Fixture);

        var ex = Assert.Throws<KeyNotFoundException>(() => file.ReadTensor("visual.proj"));

        Assert.Contains("'visual.proj'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(file.FilePath, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadTensor_AfterDispose_ThrowsObjectDisposed()
    {
        var file = SafeTensorsFile.Open(Fixture);
        file.Dispose();

        Assert.Throws<ObjectDisposedException>(() => file.ReadTensor("f32"));
    }

    [Fact]
    public void ReadTensor_SlicedReadAndWrite_SameValues()
    {
        using var scope = torch.NewDisposeScope();
        var original = torch.arange(11, dtype: torch.ScalarType.Int64).reshape(11, 1);
        var path = Path.Combine(_dir, "sliced.safetensors");

        // 8-byte chunks: one element per slice, exercising the narrow() path used for tensors over 2 GiB.
        SafeTensorsWriter.Save(path, new[] { KeyValuePair.Create("t", original) }, metadata: null, chunkBytes: 8);
        using var file = SafeTensorsFile.Open(path, new SafeTensorsReadOptions { ReadChunkBytes = 8 });

        Assert.Equal(Enumerable.Range(0, 11).Select(i => (long)i).ToArray(), file.ReadTensor("t").data<long>().ToArray());
    }

    [Fact]
    public void ReadTensor_ManyThreads_EachGetsItsOwnCorrectTensor()
    {
        using var file = SafeTensorsFile.Open(Fixture);
        var failures = 0;

        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var scope = torch.NewDisposeScope();
            var name = i % 2 == 0 ? "conv.weight" : "f32";
            var expected = i % 2 == 0 ? 7f : 1.5f;
            if (file.ReadTensor(name).data<float>().ToArray()[^1] != expected)
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);
    }

    [Fact]
    public void Save_MixedDTypes_HeaderAlignedSortedAndTensorsAligned()
    {
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, torch.Tensor>
        {
            ["z.byte"] = torch.ones(3, dtype: torch.ScalarType.Byte),
            ["b.half"] = torch.ones(3, dtype: torch.ScalarType.Float16),
            ["a.double"] = torch.ones(1, dtype: torch.ScalarType.Float64),
            ["m.float"] = torch.ones(1, dtype: torch.ScalarType.Float32),
        };
        var path = Path.Combine(_dir, "layout.safetensors");

        SafeTensorsWriter.Save(path, tensors, new Dictionary<string, string> { ["k"] = "v" });
        var bytes = File.ReadAllBytes(path);
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        using var file = SafeTensorsFile.Open(path);

        Assert.Equal(0, headerLength % 8);
        var keyPositions = new[] { "__metadata__", "a.double", "b.half", "m.float", "z.byte" }.Select(k => header.IndexOf($"\"{k}\"", StringComparison.Ordinal)).ToArray();
        Assert.All(keyPositions, p => Assert.True(p >= 0));
        Assert.Equal(keyPositions.Order().ToArray(), keyPositions);
        Assert.All(file.Tensors.Values, t => Assert.Equal(0, t.Begin % t.DType.ElementSize()));
        Assert.Equal(new[] { "a.double", "m.float", "b.half", "z.byte" }, file.Tensors.Values.OrderBy(t => t.Begin).Select(t => t.Name));
    }
}
