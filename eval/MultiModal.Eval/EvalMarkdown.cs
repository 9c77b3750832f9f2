using System.Globalization;
using System.Text;
using MultiModal.Encoders.IO;

namespace MultiModal.Eval;

/// <summary>Renders eval reports as one Markdown table: a row per report, a column per metric name.</summary>
public static class EvalMarkdown
{
    /// <summary>
    /// The table: columns <c>dataset | model | task</c>, then every metric name in order of first appearance across
    /// the reports; values as fixed-point fractions with <paramref name="decimals"/> digits, <c>–</c> where a report
    /// lacks the metric. Ends with a newline.
    /// </summary>
    /// <param name="reports">At least one report.</param>
    /// <param name="decimals">Digits after the point, 0 to 10.</param>
    /// <exception cref="ArgumentException">No reports.</exception>
    public static string Render(IReadOnlyList<EvalReport> reports, int decimals = 4)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decimals, 10);
        if (reports.Count == 0)
        {
            throw new ArgumentException("No reports to render.", nameof(reports));
        }
        var names = reports.SelectMany(r => r.Metrics.Select(m => m.Name)).Distinct(StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        Row(text, ["dataset", "model", "task", .. names.Select(Cell)]);
        Row(text, ["---", "---", "---", .. names.Select(_ => "---:")]);
        var format = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        foreach (var r in reports)
        {
            var values = names.Select(n => r.Metrics.FirstOrDefault(m => m.Name == n) is { } m ? m.Value.ToString(format, CultureInfo.InvariantCulture) : "–");
            Row(text, [Cell(r.Dataset), Cell(r.Model), Cell(r.Task), .. values]);
        }
        return text.ToString();
    }

    /// <summary>Writes <see cref="Render"/>'s table to <paramref name="path"/> atomically (temp file, flush, rename).</summary>
    /// <param name="path">The Markdown file.</param>
    /// <param name="reports">At least one report.</param>
    /// <param name="decimals">Digits after the point, 0 to 10.</param>
    public static void Save(string path, IReadOnlyList<EvalReport> reports, int decimals = 4) =>
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(Render(reports, decimals)));

    private static void Row(StringBuilder text, IEnumerable<string> cells) => text.Append("| ").AppendJoin(" | ", cells).Append(" |\n");

    /// <summary>Escapes what would break the table: pipes and line breaks.</summary>
    private static string Cell(string value) => value.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
