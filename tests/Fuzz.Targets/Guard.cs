using System.Diagnostics;

namespace MultiModal.Fuzz;

/// <summary>
/// A watchdog thread for one fuzz process: when resident memory passes the cap, or the current case runs longer than
/// the time limit, it reports the case through <paramref name="report"/> and kills the process (SIGKILL: no dump, no
/// finalizers that could wedge behind a runaway native call). Managed allocations are also bounded by
/// DOTNET_GCHeapHardLimit, which the runners set, so a huge managed array fails fast as an OutOfMemoryException.
/// </summary>
public sealed class Guard
{
    private readonly long capBytes;
    private readonly TimeSpan limit;
    private readonly Action<Verdict> report;
    private long caseStarted; // Stopwatch ticks; 0 when no case runs
    private long caseLimitTicks; // the current case's limit in Stopwatch ticks

    /// <summary>Starts the watchdog.</summary>
    /// <param name="capMiB">Resident-memory cap in MiB.</param>
    /// <param name="limit">Time limit of one case (<see cref="Timeout.InfiniteTimeSpan"/>: none, e.g. under afl-fuzz, which has its own).</param>
    /// <param name="report">Called once, on the watchdog thread, just before the process is killed.</param>
    public Guard(int capMiB, TimeSpan limit, Action<Verdict> report)
    {
        capBytes = (long)capMiB << 20;
        this.limit = limit;
        this.report = report;
        new Thread(Watch) { IsBackground = true, Name = "fuzz-guard", Priority = ThreadPriority.AboveNormal }.Start();
    }

    /// <summary>Peak resident memory seen so far, in MiB.</summary>
    public long PeakMiB { get; private set; }

    /// <summary>Marks the start of a case.</summary>
    public void Begin()
    {
        Volatile.Write(ref caseLimitTicks, limit == Timeout.InfiniteTimeSpan ? long.MaxValue : (long)(limit.TotalSeconds * Stopwatch.Frequency));
        Volatile.Write(ref caseStarted, Stopwatch.GetTimestamp());
    }

    /// <summary>Marks the end of a case.</summary>
    public void End() => Volatile.Write(ref caseStarted, 0);

    /// <summary>Resident set size of this process in bytes (Linux /proc/self/statm; the managed working set elsewhere).</summary>
    public static long ResidentBytes()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (IOException)
        {
            return Environment.WorkingSet;
        }
    }

    private void Watch()
    {
        while (true)
        {
            Thread.Sleep(5);
            long rss = ResidentBytes();
            PeakMiB = Math.Max(PeakMiB, rss >> 20);
            if (rss > capBytes)
            {
                Die(Verdict.Fatal("memory-cap", $"resident memory {rss >> 20} MiB passed the {capBytes >> 20} MiB cap"));
            }
            long started = Volatile.Read(ref caseStarted);
            if (started != 0 && Stopwatch.GetTimestamp() - started > Volatile.Read(ref caseLimitTicks))
            {
                Die(Verdict.Fatal("hang", $"still running after {(double)Volatile.Read(ref caseLimitTicks) / Stopwatch.Frequency:0.#} s"));
            }
        }
    }

    private void Die(Verdict verdict)
    {
        try
        {
            report(verdict);
        }
        finally
        {
            Process.GetCurrentProcess().Kill();
        }
    }
}
