using System.Text;
using System.Text.Json;
using MultiModal.Encoders.Tokenization;

namespace MultiModal.Encoders.Tests.Tokenization;

/// <summary>One line of a reference JSONL file produced by the Python tokenizer.</summary>
internal sealed record ClipReferenceCase(string Kind, string Text, int[] BpeIds, long[] Tokens77, string? Decoded, string? Unescaped, int[] Ids);

/// <summary>Reference cases and the tokenizer they are checked against, loaded once per test run.</summary>
internal static class ClipReferenceCases
{
    /// <summary>OpenCLIP v2.20.0 outputs shipped in ../shared (see shared/reference/README.md).</summary>
    public static string SharedCasesPath => Path.Combine(TestPaths.Shared, "reference", "clip-tokenizer-cases.jsonl");

    /// <summary>Corner cases made by Reference/make_clip_edge_cases.py (OpenAI's SimpleTokenizer, NFC for ftfy).</summary>
    public static string EdgeCasesPath => Path.Combine(TestPaths.RepoRoot, "tests", "Encoders.Tests", "Tokenization", "Reference", "clip-tokenizer-edge-cases.jsonl");

    private static readonly Lazy<ClipTokenizer> DefaultTokenizer = new(() => ClipTokenizer.FromBpeFile(TestPaths.ClipVocabulary));
    private static readonly Lazy<IReadOnlyList<ClipReferenceCase>> SharedLazy = new(() => Load(SharedCasesPath));
    private static readonly Lazy<IReadOnlyList<ClipReferenceCase>> EdgeLazy = new(() => Load(EdgeCasesPath));

    /// <summary>The tokenizer built from the shared OpenAI archive with default options.</summary>
    public static ClipTokenizer Tokenizer => DefaultTokenizer.Value;

    public static IReadOnlyList<ClipReferenceCase> Shared => SharedLazy.Value;

    public static IReadOnlyList<ClipReferenceCase> Edge => EdgeLazy.Value;

    /// <summary>Theory rows (index, printable label) for the cases of one kind.</summary>
    public static TheoryData<int, string> Rows(IReadOnlyList<ClipReferenceCase> cases, params string[] kinds)
    {
        var data = new TheoryData<int, string>();
        for (int i = 0; i < cases.Count; i++)
        {
            if (kinds.Contains(cases[i].Kind))
            {
                data.Add(i, Label(cases[i].Text));
            }
        }
        return data;
    }

    private static string Label(string text)
    {
        var sb = new StringBuilder();
        foreach (char c in text.Length > 40 ? text[..40] : text)
        {
            sb.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}");
        }
        return sb.ToString();
    }

    private static List<ClipReferenceCase> Load(string path)
    {
        var cases = new List<ClipReferenceCase>();
        foreach (string line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            JsonElement e = doc.RootElement;
            cases.Add(new ClipReferenceCase(
                Kind: e.TryGetProperty("kind", out JsonElement k) ? k.GetString()! : "text",
                Text: e.TryGetProperty("text", out JsonElement t) ? t.GetString()! : string.Empty,
                BpeIds: Ints(e, "bpe_ids"),
                Tokens77: [.. Ints(e, "tokens_77").Select(x => (long)x)],
                Decoded: e.TryGetProperty("decoded", out JsonElement d) ? d.GetString() : null,
                Unescaped: e.TryGetProperty("unescaped", out JsonElement u) ? u.GetString() : null,
                Ids: Ints(e, "ids")));
        }
        return cases;
    }

    private static int[] Ints(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement a) ? [.. a.EnumerateArray().Select(x => x.GetInt32())] : [];
}
