using System.Security.Cryptography;
using System.Text;

namespace MultiModal.Fuzz;

/// <summary>
/// Sorts raw fuzzer outputs (afl-fuzz crashes and hangs) into regression cases: each input is replayed in a child
/// process, findings are grouped by signature, and the smallest input of each signature not already kept in the
/// findings folder is copied there as <c>TYPE-FRAME-HASH.bin</c>.
/// </summary>
public static class Triage
{
    /// <summary>Replays <paramref name="files"/>, keeps new findings in <paramref name="keep"/>, prints a summary; returns 0.</summary>
    public static int Run(FuzzTarget target, string keep, IReadOnlyList<string> files, string prefix = "")
    {
        Directory.CreateDirectory(keep);
        var kept = Corpus.SeedPaths([keep]);
        var all = kept.Concat(files).ToList();
        if (all.Count == 0)
        {
            Console.WriteLine($"TRIAGE target={target.Name} inputs=0 findings=0 distinct=0 new=0");
            return 0;
        }
        var list = Path.Combine(Path.GetTempPath(), $"multimodal-fuzz-triage-{Environment.ProcessId}.txt");
        File.WriteAllLines(list, all);
        IReadOnlyList<CaseResult> results;
        try
        {
            // Warm up on a seed of the target's corpus (the folder above findings/), as the tests do.
            var seeds = Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(keep))) ? Corpus.SeedPaths([Path.GetDirectoryName(Path.GetFullPath(keep))!]) : [];
            string[] warmup = seeds.Count > 0 ? ["--warmup", seeds[0]] : [];
            results = ProcessRunner.Run(target.Name, ["replay", target.Name, "--list", list, .. warmup], all.Count, caseSeconds: FuzzTarget.CaseSecondsOf(target.Name), log: null);
        }
        finally
        {
            File.Delete(list);
        }
        var keptSignatures = results.Where(r => r.Index < kept.Count && r.Verdict.Kind == VerdictKind.Finding).Select(r => r.Verdict.Signature).ToHashSet();
        var fresh = results.Where(r => r.Index >= kept.Count).ToList();
        var findings = fresh.Where(r => r.Verdict.Kind == VerdictKind.Finding).ToList();
        int added = 0;
        foreach (var group in findings.GroupBy(r => r.Verdict.Signature).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var smallest = group.Select(r => all[r.Index]).OrderBy(f => new FileInfo(f).Length).ThenBy(f => f, StringComparer.Ordinal).First();
            var isNew = !keptSignatures.Contains(group.Key);
            Console.WriteLine($"  {(isNew ? "NEW " : "kept")} x{group.Count(),-4} {group.Key}: {group.First().Verdict.Message}");
            if (isNew)
            {
                var where = group.First().Verdict.Where;
                var name = where == "-"
                    ? $"{prefix}{Slug(group.First().Verdict.Type)}-{Hash(smallest)}.bin"
                    : $"{prefix}{Slug(group.First().Verdict.Type)}-{Slug(ShortFrame(where))}-{Hash(smallest)}.bin";
                File.Copy(smallest, Path.Combine(keep, name), overwrite: true);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(Path.Combine(keep, name), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                }
                Console.WriteLine($"       -> {Path.Combine(keep, name)}");
                keptSignatures.Add(group.Key);
                added++;
            }
        }
        int unreproduced = fresh.Count - findings.Count;
        Console.WriteLine($"TRIAGE target={target.Name} inputs={files.Count} findings={findings.Count} distinct={findings.Select(r => r.Verdict.Signature).Distinct().Count()} new={added} not_reproduced={unreproduced}");
        return 0;
    }

    private static string ShortFrame(string where)
    {
        var parts = where.Replace("..ctor", ".ctor", StringComparison.Ordinal).Replace("..cctor", ".cctor", StringComparison.Ordinal).Split('.');
        return parts.Length >= 2 ? $"{parts[^2]}.{parts[^1]}" : where;
    }

    private static string Slug(string text)
    {
        var sb = new StringBuilder();
        foreach (char c in text)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_');
        }
        return sb.Length > 60 ? sb.ToString(0, 60) : sb.ToString();
    }

    private static string Hash(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)))[..8];
}
