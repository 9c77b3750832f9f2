using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MultiModal.Bench.Soak.Reporting;

/// <summary>Markdown tables for the console and a JSON file with the same figures.</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public static string Markdown(IReadOnlyList<ScenarioResult> results)
    {
        var s = new StringBuilder();
        s.AppendLine("| scenario | operation | count | per s | p50 ms | p99 ms | max ms |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            foreach (var o in r.Operations)
            {
                s.AppendLine(Invariant($"| {r.Name} | {o.Operation} | {o.Count} | {o.PerSecond:F1} | {o.P50Ms:F3} | {o.P99Ms:F3} | {o.MaxMs:F1} |"));
            }
        }
        s.AppendLine();
        s.AppendLine("| scenario | seconds | errors | managed MB start / end / peak | RSS MB start / end / peak |");
        s.AppendLine("|---|---:|---:|---|---|");
        foreach (var r in results)
        {
            var m = r.Memory;
            s.AppendLine(Invariant($"| {r.Name} | {r.Seconds:F0} | {r.Errors} | {Mb(m.ManagedStart)} / {Mb(m.ManagedEnd)} / {Mb(m.ManagedPeak)} | {Mb(m.RssStart)} / {Mb(m.RssEnd)} / {Mb(m.RssPeak)} |"));
        }
        foreach (var r in results)
        {
            s.AppendLine();
            s.AppendLine($"{r.Name}: {r.Description}");
            if (r.Extras.Count > 0)
            {
                s.AppendLine("  " + string.Join(", ", r.Extras.Select(e => Invariant($"{e.Key} {Format(e.Value)}"))));
            }
            foreach (var (kind, count) in r.ErrorCounts.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                s.AppendLine(Invariant($"  errors of kind {kind}: {count}"));
            }
            foreach (var sample in r.ErrorSamples)
            {
                s.AppendLine("    " + sample);
            }
        }
        return s.ToString();
    }

    public static void WriteJson(string path, object settings, IReadOnlyList<ScenarioResult> results)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new { settings, scenarios = results }, Json));
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Reads the scenarios of JSON files written by <see cref="WriteJson"/> (to merge per-scenario runs into one table).</summary>
    public static List<ScenarioResult> ReadJson(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.GetProperty("scenarios").Deserialize<List<ScenarioResult>>(Json)
            ?? throw new InvalidDataException($"{path} holds no scenarios.");
    }

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F0", CultureInfo.InvariantCulture);

    private static string Format(double value) => value == Math.Floor(value) && Math.Abs(value) < 1e15
        ? value.ToString("F0", CultureInfo.InvariantCulture)
        : value.ToString("G5", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
