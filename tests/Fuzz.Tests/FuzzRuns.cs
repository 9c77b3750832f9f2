using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace MultiModal.Fuzz.Tests;

/// <summary>
/// Runs a target's cases in MultiModal.Fuzz child processes (<see cref="ProcessRunner"/>) and turns findings into
/// assertion messages that say how to reproduce them. Replays are run once per target and shared by its test rows.
/// </summary>
internal static class FuzzRuns
{
    /// <summary>Seed of the mutation loop; changing it changes every mutated case.</summary>
    public const int Seed = 20261203;

    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyDictionary<string, CaseResult>>> Replays = new();

    /// <summary>The repository root (the folder holding MultiModal.sln above the test binary).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>tests/fuzz/corpus/TARGET.</summary>
    public static string CorpusOf(string target) => Path.Combine(RepoRoot, "tests", "fuzz", "corpus", target);

    /// <summary>Theory rows: every seed and kept finding of <paramref name="target"/>, as paths relative to its corpus folder.</summary>
    public static TheoryData<string> Files(string target)
    {
        var data = new TheoryData<string>();
        foreach (var path in AllFiles(target))
        {
            data.Add(Path.GetRelativePath(CorpusOf(target), path));
        }
        return data;
    }

    /// <summary>Replays <paramref name="file"/> (relative to the corpus folder) and fails on a finding.</summary>
    public static void AssertReplayClean(string target, string file, ITestOutputHelper output)
    {
        var results = Replays.GetOrAdd(target, t => new Lazy<IReadOnlyDictionary<string, CaseResult>>(() => ReplayAll(t))).Value;
        var path = Path.Combine(CorpusOf(target), file);
        Assert.True(results.TryGetValue(path, out var result), $"{file} was not replayed");
        output.WriteLine($"{result.Verdict.Signature} ({result.Milliseconds:0} ms) {result.Verdict.Message}");
        if (result.Verdict.Kind == VerdictKind.Finding)
        {
            Assert.Fail($"{target} finding on tests/fuzz/corpus/{target}/{file}: {result.Verdict.Type} at {result.Verdict.Where}: {result.Verdict.Message}\n"
                + $"  reproduce: dotnet run -c Release --project tests/Fuzz.Targets -- run {target} tests/fuzz/corpus/{target}/{file}");
        }
    }

    /// <summary>Runs <paramref name="count"/> mutation cases of the seed corpus and fails listing each distinct finding.</summary>
    public static void AssertMutationsClean(string target, int count, ITestOutputHelper output)
    {
        var save = Path.Combine(AppContext.BaseDirectory, "fuzz-failures", target);
        if (Directory.Exists(save))
        {
            Directory.Delete(save, recursive: true);
        }
        var log = new StringBuilder();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var results = ProcessRunner.Run(target, ["mutate", target, "--seed", Seed.ToString(CultureInfo.InvariantCulture), "--count", count.ToString(CultureInfo.InvariantCulture),
            "--corpus", CorpusOf(target), "--save", save], count, FuzzTarget.CaseSecondsOf(target), line => log.AppendLine(line));
        var kinds = results.GroupBy(r => r.Verdict.Kind).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{target}: {results.Count} cases in {clock.Elapsed.TotalSeconds:0.0} s: {kinds.GetValueOrDefault(VerdictKind.Accepted)} accepted, "
            + $"{kinds.GetValueOrDefault(VerdictKind.Rejected)} rejected, {kinds.GetValueOrDefault(VerdictKind.Finding)} findings");
        var findings = results.Where(r => r.Verdict.Kind == VerdictKind.Finding).GroupBy(r => r.Verdict.Signature).ToList();
        if (findings.Count == 0)
        {
            return;
        }
        var message = new StringBuilder($"{target}: {findings.Count} distinct findings in {count} mutation cases (seed {Seed}):\n");
        foreach (var group in findings)
        {
            var first = group.First();
            var input = Path.Combine(save, $"{target}-case-{first.Index}.bin");
            if (!File.Exists(input))
            {
                WriteCase(target, first.Index, input); // the process died before it could save the input
            }
            message.AppendLine($"- {group.Key} (x{group.Count()}; first case {first.Index}: {first.Label}): {first.Verdict.Message}");
            message.AppendLine($"  input: {(File.Exists(input) ? input : "(process died: regenerate it)")}; regenerate: dotnet run -c Release --project tests/Fuzz.Targets -- case {target} --seed {Seed} --index {first.Index} --corpus tests/fuzz/corpus/{target} --out case.bin");
        }
        if (log.Length > 0)
        {
            output.WriteLine(log.ToString());
        }
        Assert.Fail(message.ToString());
    }

    private static void WriteCase(string target, int index, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var child = ProcessRunner.Start(target, ["case", target, "--seed", Seed.ToString(CultureInfo.InvariantCulture),
            "--index", index.ToString(CultureInfo.InvariantCulture), "--corpus", CorpusOf(target), "--out", path]);
        child.StandardOutput.ReadToEnd();
        child.WaitForExit();
    }

    private static IReadOnlyDictionary<string, CaseResult> ReplayAll(string target)
    {
        var files = AllFiles(target);
        var list = Path.Combine(Path.GetTempPath(), $"multimodal-fuzz-replay-{target}-{Environment.ProcessId}.txt");
        File.WriteAllLines(list, files);
        try
        {
            string[] warmup = ["--warmup", Corpus.SeedPaths([CorpusOf(target)])[0]];
            var results = ProcessRunner.Run(target, ["replay", target, "--list", list, .. warmup], files.Count, caseSeconds: FuzzTarget.CaseSecondsOf(target));
            return results.ToDictionary(r => files[r.Index], StringComparer.Ordinal);
        }
        finally
        {
            File.Delete(list);
        }
    }

    private static List<string> AllFiles(string target) =>
        [.. Corpus.SeedPaths([CorpusOf(target)]), .. Corpus.FindingPaths(CorpusOf(target))];

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MultiModal.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new DirectoryNotFoundException("MultiModal.sln not found above " + AppContext.BaseDirectory);
    }
}
