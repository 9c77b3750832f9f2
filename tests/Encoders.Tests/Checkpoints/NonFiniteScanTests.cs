using System.Runtime.InteropServices;
using MultiModal.Encoders.Checkpoints;

namespace MultiModal.Encoders.Tests.Checkpoints;

/// <summary>The bit-level NaN/Inf count against .NET's own classification, for every float dtype, in vector bodies and tails.</summary>
public sealed class NonFiniteScanTests
{
    // Lengths around the vector widths (4..32 lanes) so bad values land in whole vectors and in the scalar tail.
    public static TheoryData<int, int> Placements()
    {
        var data = new TheoryData<int, int>();
        foreach (var length in new[] { 1, 7, 16, 31, 64, 67 })
        {
            data.Add(length, 0);
            data.Add(length, length - 1);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Placements))]
    public void Count_F32_MatchesFloatClassification(int length, int at)
    {
        var values = Finite(length, i => (float)i);
        values[at] = float.NaN;
        values[length / 2] = length / 2 == at ? float.NaN : float.NegativeInfinity;

        var counts = NonFiniteScan.Count(MemoryMarshal.AsBytes(values.AsSpan()), SafeTensorsDType.F32);

        Assert.Equal((values.LongCount(float.IsNaN), values.LongCount(float.IsInfinity)), counts);
    }

    [Theory]
    [MemberData(nameof(Placements))]
    public void Count_F64_MatchesDoubleClassification(int length, int at)
    {
        var values = Finite(length, i => (double)i);
        values[at] = double.PositiveInfinity;

        var counts = NonFiniteScan.Count(MemoryMarshal.AsBytes(values.AsSpan()), SafeTensorsDType.F64);

        Assert.Equal((0L, 1L), counts);
    }

    [Theory]
    [MemberData(nameof(Placements))]
    public void Count_F16_MatchesHalfClassification(int length, int at)
    {
        var values = Finite(length, i => (Half)i);
        values[at] = Half.NaN;

        var counts = NonFiniteScan.Count(MemoryMarshal.AsBytes(values.AsSpan()), SafeTensorsDType.F16);

        Assert.Equal((1L, 0L), counts);
    }

    [Theory]
    [MemberData(nameof(Placements))]
    public void Count_BF16_TopHalfOfFloatBits(int length, int at)
    {
        var values = Finite(length, i => BFloat16(i));
        values[at] = BFloat16(float.NegativeInfinity);
        values[0] = at == 0 ? values[0] : BFloat16(float.NaN);

        var counts = NonFiniteScan.Count(MemoryMarshal.AsBytes(values.AsSpan()), SafeTensorsDType.BF16);

        Assert.Equal((at == 0 ? 0L : 1L, 1L), counts);
    }

    [Fact]
    public void Count_ExtremeFiniteValues_AreNotCounted()
    {
        float[] values = [float.MaxValue, float.MinValue, float.Epsilon, -0f, 1e-40f, 65504f];
        Half[] halves = [Half.MaxValue, Half.MinValue, Half.Epsilon, (Half)(-0f)];

        Assert.Equal((0L, 0L), NonFiniteScan.Count(MemoryMarshal.AsBytes(values.AsSpan()), SafeTensorsDType.F32));
        Assert.Equal((0L, 0L), NonFiniteScan.Count(MemoryMarshal.AsBytes(halves.AsSpan()), SafeTensorsDType.F16));
    }

    [Fact]
    public void Count_IntegerDType_IsNeverCounted()
    {
        var bytes = Enumerable.Repeat((byte)0xFF, 64).ToArray();

        Assert.Equal((0L, 0L), NonFiniteScan.Count(bytes, SafeTensorsDType.I32));
    }

    private static T[] Finite<T>(int length, Func<int, T> value) => Enumerable.Range(0, length).Select(value).ToArray();

    private static ushort BFloat16(float value) => (ushort)(BitConverter.SingleToUInt32Bits(value) >> 16);
}
