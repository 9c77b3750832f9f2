using System.Diagnostics;
using System.Numerics;

namespace MultiModal.Bench.Soak.Reporting;

/// <summary>
/// Log-linear latency histogram (HdrHistogram's layout with 64 sub-buckets per power of two, so a percentile is within
/// 1/64 ≈ 1.6% of the true value) of Stopwatch ticks: a fixed 20 KB per operation type however long the soak runs.
/// Not thread-safe: one per thread, merged at the end.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBits = 6;
    private const int Sub = 1 << SubBits;
    private readonly long[] _buckets = new long[(64 - SubBits + 1) * Sub];

    public long Count { get; private set; }

    public long MaxTicks { get; private set; }

    public double SumTicks { get; private set; }

    public void Record(long ticks)
    {
        ticks = Math.Max(ticks, 0);
        _buckets[Bucket(ticks)]++;
        Count++;
        SumTicks += ticks;
        MaxTicks = Math.Max(MaxTicks, ticks);
    }

    public void Merge(LatencyHistogram other)
    {
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] += other._buckets[i];
        }
        Count += other.Count;
        SumTicks += other.SumTicks;
        MaxTicks = Math.Max(MaxTicks, other.MaxTicks);
    }

    /// <summary>The <paramref name="quantile"/> (0..1) in milliseconds: the midpoint of the bucket holding it.</summary>
    public double PercentileMs(double quantile)
    {
        if (Count == 0)
        {
            return 0;
        }
        var rank = (long)Math.Ceiling(quantile * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= rank)
            {
                var (low, high) = Range(i);
                return Math.Min((low + high) / 2.0, MaxTicks) * 1000.0 / Stopwatch.Frequency;
            }
        }
        return MaxTicks * 1000.0 / Stopwatch.Frequency;
    }

    public double MeanMs => Count == 0 ? 0 : SumTicks / Count * 1000.0 / Stopwatch.Frequency;

    public double MaxMs => MaxTicks * 1000.0 / Stopwatch.Frequency;

    // Values below 64 get a bucket each; above, bucket = (exponent, top 6 bits below the leading one).
    private static int Bucket(long value)
    {
        if (value < Sub)
        {
            return (int)value;
        }
        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var sub = (int)((value >> (exponent - SubBits)) & (Sub - 1));
        return ((exponent - SubBits + 1) * Sub) + sub;
    }

    private static (double Low, double High) Range(int bucket)
    {
        if (bucket < Sub)
        {
            return (bucket, bucket + 1);
        }
        var exponent = (bucket / Sub) + SubBits - 1;
        var sub = bucket % Sub;
        var width = Math.Pow(2, exponent - SubBits);
        var low = Math.Pow(2, exponent) + (sub * width);
        return (low, low + width);
    }
}
