using System.Globalization;

namespace MultiModal.Bench.Soak.Reporting;

/// <summary>
/// Samples managed memory and the process's resident set every <c>interval</c> to track peaks; start and end figures are
/// taken after a full collection so they compare live data, not garbage awaiting collection.
/// </summary>
internal sealed class MemoryProbe : IDisposable
{
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private long _peakManaged;
    private long _peakRss;

    private MemoryProbe(TimeSpan interval)
    {
        ResetPeakRss();
        Start = Snapshot(collect: true);
        _peakManaged = Start.ManagedBytes;
        _peakRss = Start.RssBytes;
        _thread = new Thread(() =>
        {
            while (!_stop.Token.WaitHandle.WaitOne(interval))
            {
                Sample();
            }
        }) { IsBackground = true, Name = "memory probe" };
        _thread.Start();
    }

    public MemorySnapshot Start { get; }

    public static MemoryProbe StartNew() => new(TimeSpan.FromMilliseconds(200));

    /// <summary>Stops sampling and returns start, end (after a full collection) and peak figures in bytes.</summary>
    public MemoryFigures Finish()
    {
        _stop.Cancel();
        _thread.Join();
        Sample();
        var end = Snapshot(collect: true);
        var hwm = ReadStatusKb("VmHWM:") * 1024;
        return new MemoryFigures(Start.ManagedBytes, end.ManagedBytes, Math.Max(_peakManaged, end.ManagedBytes),
            Start.RssBytes, end.RssBytes, Math.Max(Math.Max(_peakRss, end.RssBytes), hwm));
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private void Sample()
    {
        var managed = GC.GetTotalMemory(forceFullCollection: false);
        var rss = ReadStatusKb("VmRSS:") * 1024;
        InterlockedMax(ref _peakManaged, managed);
        InterlockedMax(ref _peakRss, rss);
    }

    private static MemorySnapshot Snapshot(bool collect)
    {
        if (collect)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        return new MemorySnapshot(GC.GetTotalMemory(forceFullCollection: false), ReadStatusKb("VmRSS:") * 1024);
    }

    // Writing 5 to clear_refs resets the kernel's peak RSS (VmHWM), so a scenario's peak is its own (Linux 4.0+).
    private static void ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Then the sampled peak stands alone.
        }
    }

    private static long ReadStatusKb(string field)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var digits = line[field.Length..].Trim().Split(' ')[0];
                    return long.Parse(digits, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

/// <summary>Managed bytes (<see cref="GC.GetTotalMemory"/>) and resident set bytes at one moment.</summary>
internal sealed record MemorySnapshot(long ManagedBytes, long RssBytes);

/// <summary>A scenario's memory: start and end after full collections, peaks sampled every 200 ms (RSS also the kernel's high-water mark).</summary>
internal sealed record MemoryFigures(long ManagedStart, long ManagedEnd, long ManagedPeak, long RssStart, long RssEnd, long RssPeak);
