using System.Diagnostics;

namespace MultiModal.Bench.Soak;

/// <summary>Waits out a scenario, printing a status line every 30 seconds (or earlier when the scenario stops itself).</summary>
internal static class Progress
{
    public static void Wait(string scenario, TimeSpan duration, Func<bool> stopped, Func<string> status)
    {
        var clock = Stopwatch.StartNew();
        var nextReport = TimeSpan.FromSeconds(30);
        while (clock.Elapsed < duration && !stopped())
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(100));
            if (clock.Elapsed >= nextReport)
            {
                Console.WriteLine($"[{scenario}] {clock.Elapsed.TotalSeconds:F0} s: {status()}");
                nextReport += TimeSpan.FromSeconds(30);
            }
        }
        if (stopped())
        {
            Console.WriteLine($"[{scenario}] stopped early at {clock.Elapsed.TotalSeconds:F0} s: {status()}");
        }
    }
}
