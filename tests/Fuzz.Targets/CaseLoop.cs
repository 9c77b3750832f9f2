using System.Diagnostics;
using System.Text.Json;

namespace MultiModal.Fuzz;

/// <summary>One case's result as the child process reports it.</summary>
/// <param name="Index">Case number.</param>
/// <param name="Label">The file replayed, or the mutation recipe.</param>
/// <param name="Verdict">The outcome.</param>
/// <param name="Milliseconds">Wall time of the case.</param>
public sealed record CaseResult(int Index, string Label, Verdict Verdict, double Milliseconds);

/// <summary>
/// The child side of <see cref="ProcessRunner"/>: runs cases <c>from..count-1</c> in order under a <see cref="Guard"/>,
/// printing <c>@@fuzz start I</c> before and <c>@@fuzz result I {json}</c> after each, and <c>@@fuzz done</c> at the end.
/// A case that kills the process (native crash, memory cap, hang) leaves a start without a result; the parent records
/// it and starts a new child after it.
/// </summary>
public static class CaseLoop
{
    /// <summary>Line prefix of the protocol (the library never prints it).</summary>
    public const string Prefix = "@@fuzz ";

    private static readonly object Gate = new();

    /// <summary>
    /// Runs the cases; <paramref name="caseAt"/> makes case i's input and label. The <paramref name="warmup"/> inputs run
    /// first, untimed and unreported, so that JIT and native library loading do not count against the first case's limit.
    /// </summary>
    public static void Serve(FuzzTarget target, Func<int, (byte[] Input, string Label)> caseAt, int from, int count, TimeSpan limit, string? saveDir, IReadOnlyList<string>? warmup = null)
    {
        foreach (var file in warmup ?? [])
        {
            target.Run(File.ReadAllBytes(file));
        }
        int current = -1;
        string label = "";
        byte[] input = [];
        var guard = new Guard(target.MemoryCapMiB, limit, verdict =>
        {
            Save(saveDir, target.Name, current, input);
            Emit("result", current, new CaseResult(current, label, verdict, 0));
        });
        for (int i = from; i < count; i++)
        {
            (input, label) = caseAt(i);
            current = i;
            Emit("start", i, null, label);
            var clock = Stopwatch.StartNew();
            guard.Begin();
            var verdict = target.Run(input);
            guard.End();
            if (verdict.Kind == VerdictKind.Finding)
            {
                Save(saveDir, target.Name, i, input);
            }
            Emit("result", i, new CaseResult(i, label, verdict, clock.Elapsed.TotalMilliseconds));
        }
        lock (Gate)
        {
            Console.Out.WriteLine($"{Prefix}done {guard.PeakMiB}");
            Console.Out.Flush();
        }
    }

    /// <summary>Parses a protocol line (a start carries the case's label, a result its <see cref="CaseResult"/>); null for any other output.</summary>
    public static (string Kind, int Index, string Label, CaseResult? Result)? Parse(string line)
    {
        if (!line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var parts = line[Prefix.Length..].Split(' ', 3);
        int index = parts.Length > 1 && int.TryParse(parts[1], out var i) ? i : -1;
        return parts[0] switch
        {
            "start" when parts.Length > 2 => (parts[0], index, JsonSerializer.Deserialize<string>(parts[2]) ?? "", null),
            "result" when parts.Length > 2 => (parts[0], index, "", JsonSerializer.Deserialize<CaseResult>(parts[2])),
            _ => (parts[0], index, "", null),
        };
    }

    private static void Emit(string kind, int index, CaseResult? result, string label = "")
    {
        lock (Gate)
        {
            Console.Out.WriteLine(result is null ? $"{Prefix}{kind} {index} {JsonSerializer.Serialize(label)}" : $"{Prefix}{kind} {index} {JsonSerializer.Serialize(result)}");
            Console.Out.Flush();
        }
    }

    private static void Save(string? saveDir, string target, int index, byte[] input)
    {
        if (saveDir is null || index < 0)
        {
            return;
        }
        Directory.CreateDirectory(saveDir);
        File.WriteAllBytes(Path.Combine(saveDir, $"{target}-case-{index}.bin"), input);
    }
}
