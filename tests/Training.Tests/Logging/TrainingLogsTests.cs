using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MultiModal.Training.Tests.Helpers;

namespace MultiModal.Training.Tests.Logging;

public sealed class TrainingLogsTests
{
    [Fact]
    public void Run_FourSteps_MetricsFileHasOneLinePerStepWithAllFields()
    {
        // Arrange
        var dir = TestConfigs.TempDir("metrics");
        using var trainer = Trainer.Create(TestConfigs.Dual(dir, totalSteps: 4), TestConfigs.DualEnvironment());

        // Act
        var result = trainer.Run();

        // Assert
        var lines = File.ReadAllLines(Path.Combine(dir, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([1L, 2, 3, 4], lines.Select(l => l.GetProperty("step").GetInt64()));
        Assert.Equal(result.Losses.Select(v => (double)v), lines.Select(l => Math.Round(l.GetProperty("loss").GetDouble(), 6)).Zip(result.Losses, (a, _) => a),
            new ToleranceComparer(1e-6));
        foreach (var field in new[] { "epoch", "loss_i2t", "loss_t2i", "acc_i2t", "acc_t2i", "lr", "logit_scale", "grad_norm", "samples_per_s", "data_wait_fraction" })
        {
            Assert.All(lines, l => Assert.True(l.TryGetProperty(field, out _), field));
        }
        // Warmup 2 of 4 steps: lr = 0.05 · 1/2, 0.05 · 2/2, then the cosine half: 0.05 · 0.5 · (1 + cos(π/2)).
        Assert.Equal([0.025, 0.05, 0.05, 0.025], lines.Select(l => Math.Round(l.GetProperty("lr").GetDouble(), 12)));
        var wait = lines[0].GetProperty("data_wait_fraction").GetDouble();
        Assert.InRange(wait, 0, 1);
    }

    [Fact]
    public void Run_FourSteps_TensorBoardFileHasValidTfRecordFramingAndTheScalars()
    {
        // Arrange
        var dir = TestConfigs.TempDir("tb");
        using var trainer = Trainer.Create(TestConfigs.Dual(dir, totalSteps: 4), TestConfigs.DualEnvironment());

        // Act
        var result = trainer.Run();

        // Assert: TFRecord framing (uint64 length, masked CRC32C of the length bytes, data, masked CRC32C of the data),
        // then every Event's Summary.Value (tag, simple_value) decoded from the protobuf wire format.
        var file = Directory.GetFiles(Path.Combine(dir, "tensorboard"), "events.out.tfevents.*").Single();
        var bytes = File.ReadAllBytes(file);
        var scalars = new List<(long Step, string Tag, float Value)>();
        var offset = 0;
        var records = 0;
        while (offset < bytes.Length)
        {
            var length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset));
            Assert.Equal(Crc32C.Masked(bytes.AsSpan(offset, 8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8)));
            var data = bytes.AsSpan(offset + 12, (int)length);
            Assert.Equal(Crc32C.Masked(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 12 + (int)length)));
            scalars.AddRange(EventScalars(data.ToArray()));
            offset += 12 + (int)length + 4;
            records++;
        }
        Assert.Equal(bytes.Length, offset);
        Assert.True(records > 4 * 10);
        var losses = scalars.Where(s => s.Tag == "train/loss").OrderBy(s => s.Step).ToList();
        Assert.Equal([1L, 2, 3, 4], losses.Select(s => s.Step));
        Assert.Equal(result.Losses, losses.Select(s => s.Value));
        Assert.Contains(scalars, s => s.Tag == "train/lr" && s.Step == 2 && Math.Abs(s.Value - 0.05f) < 1e-7);
    }

    /// <summary>Decodes Event {int64 step = 2; Summary summary = 5 {repeated Value value = 1 {string tag = 1; float simple_value = 2}}}.</summary>
    private static IEnumerable<(long, string, float)> EventScalars(byte[] data)
    {
        long step = 0;
        var values = new List<(string, float)>();
        foreach (var (field, wire, number, payload) in Fields(data))
        {
            if (field == 2 && wire == 0)
            {
                step = (long)number;
            }
            else if (field == 5 && wire == 2)
            {
                foreach (var (f, w, _, value) in Fields(payload))
                {
                    if (f == 1 && w == 2)
                    {
                        string tag = "";
                        float simple = float.NaN;
                        foreach (var (vf, vw, _, vp) in Fields(value))
                        {
                            if (vf == 1 && vw == 2)
                            {
                                tag = Encoding.UTF8.GetString(vp);
                            }
                            else if (vf == 2 && vw == 5)
                            {
                                simple = BinaryPrimitives.ReadSingleLittleEndian(vp);
                            }
                        }
                        values.Add((tag, simple));
                    }
                }
            }
        }
        return values.Select(v => (step, v.Item1, v.Item2));
    }

    private static IEnumerable<(int Field, int Wire, ulong Number, byte[] Payload)> Fields(byte[] data)
    {
        var i = 0;
        while (i < data.Length)
        {
            var key = Varint(data, ref i);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0:
                    yield return (field, wire, Varint(data, ref i), []);
                    break;
                case 1:
                    yield return (field, wire, 0, data[i..(i + 8)]);
                    i += 8;
                    break;
                case 2:
                    var length = (int)Varint(data, ref i);
                    yield return (field, wire, 0, data[i..(i + length)]);
                    i += length;
                    break;
                case 5:
                    yield return (field, wire, 0, data[i..(i + 4)]);
                    i += 4;
                    break;
                default:
                    throw new InvalidDataException($"wire type {wire}");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}

/// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) and TFRecord's mask, written from the definitions.</summary>
internal static class Crc32C
{
    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++)
        {
            c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
        }
        return c;
    }).ToArray();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return ~crc;
    }

    /// <summary>TFRecord's masked CRC: rotate right by 15 and add 0xa282ead8.</summary>
    public static uint Masked(ReadOnlySpan<byte> data)
    {
        var crc = Compute(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }
}
