using System.Diagnostics;

namespace MultiModal.Bench.Soak.Reporting;

/// <summary>Latency histograms by operation name for one thread; <see cref="MergeAll"/> combines the threads'.</summary>
internal sealed class OperationStats
{
    private readonly Dictionary<string, LatencyHistogram> _byName = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, LatencyHistogram> ByName => _byName;

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void Record(string operation, long startTimestamp) => Record(operation, startTimestamp, Stopwatch.GetTimestamp());

    public void Record(string operation, long startTimestamp, long endTimestamp)
    {
        if (!_byName.TryGetValue(operation, out var histogram))
        {
            _byName[operation] = histogram = new LatencyHistogram();
        }
        histogram.Record(endTimestamp - startTimestamp);
    }

    /// <summary>One summary per operation, merged over <paramref name="perThread"/>, in the order of <paramref name="order"/> first.</summary>
    public static List<OperationSummary> MergeAll(IEnumerable<OperationStats> perThread, double seconds, params string[] order)
    {
        var merged = new Dictionary<string, LatencyHistogram>(StringComparer.Ordinal);
        foreach (var stats in perThread)
        {
            foreach (var (name, histogram) in stats._byName)
            {
                if (!merged.TryGetValue(name, out var into))
                {
                    merged[name] = into = new LatencyHistogram();
                }
                into.Merge(histogram);
            }
        }
        return merged
            .OrderBy(p => Array.IndexOf(order, p.Key) is var i && i >= 0 ? i : int.MaxValue).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new OperationSummary(p.Key, p.Value.Count, p.Value.Count / seconds,
                p.Value.PercentileMs(0.50), p.Value.PercentileMs(0.99), p.Value.MaxMs, p.Value.MeanMs))
            .ToList();
    }
}

/// <summary>Count, rate and latency percentiles of one operation type over a scenario.</summary>
internal sealed record OperationSummary(string Operation, long Count, double PerSecond, double P50Ms, double P99Ms, double MaxMs, double MeanMs);
