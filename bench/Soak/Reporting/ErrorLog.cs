using System.Collections.Concurrent;

namespace MultiModal.Bench.Soak.Reporting;

/// <summary>Counts violations by kind and keeps the first few messages of each for the report.</summary>
internal sealed class ErrorLog
{
    private const int SamplesPerKind = 5;
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _samples = new();
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public IReadOnlyDictionary<string, long> Counts => _counts;

    public IReadOnlyList<string> Samples => [.. _samples];

    /// <summary>Records an exception: its type, first message line and innermost frames (full traces would flood the report).</summary>
    public void Add(string kind, Exception e)
    {
        var frames = (e.StackTrace ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Take(4);
        Add(kind, $"{e.GetType().Name}: {e.Message.Split('\n')[0].Trim()} | {string.Join(" | ", frames)}");
    }

    public void Add(string kind, string message)
    {
        Interlocked.Increment(ref _total);
        var count = _counts.AddOrUpdate(kind, 1, (_, c) => c + 1);
        if (count <= SamplesPerKind)
        {
            var line = $"{kind}: {message}";
            _samples.Enqueue(line);
            if (count == 1)
            {
                Console.Error.WriteLine($"  ERROR {line}");
            }
        }
    }
}
