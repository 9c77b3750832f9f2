using System.Text.Json;
using MultiModal.Encoders.IO;

namespace MultiModal.Cli;

/// <summary>
/// What an output option may replace: a missing path, or an existing regular file of the kind the command writes
/// (a .npy for <c>--out IDS.npy</c>, an eval report for <c>--out FILE.json</c>). A mistyped <c>--out photo.jpg</c>
/// fails with exit 2 instead of destroying the photo.
/// </summary>
internal static class OutputFiles
{
    private const int SniffBytes = 1 << 16;
    private static ReadOnlySpan<byte> NpyMagic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Allows replacing only a .npy file.</summary>
    public static void CheckNpy(string path, string option) =>
        Check(path, option, "a .npy file", head => head.StartsWith(NpyMagic));

    /// <summary>Allows replacing only a CLIP_benchmark-style JSON report (an object with "metrics").</summary>
    public static void CheckJsonReport(string path, string option) =>
        Check(path, option, "an eval report (JSON with \"metrics\")", head =>
        {
            try
            {
                using var document = JsonDocument.Parse(head.ToArray());
                return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("metrics", out _);
            }
            catch (JsonException)
            {
                return false;
            }
        });

    /// <summary>Allows replacing only a Markdown table (the eval tables start with a <c>| </c> row).</summary>
    public static void CheckMarkdownTable(string path, string option) =>
        Check(path, option, "a Markdown table", head => head.StartsWith("| "u8));

    private delegate bool Recognizer(ReadOnlySpan<byte> head);

    private static void Check(string path, string option, string what, Recognizer recognizes)
    {
        var kind = FileStatus.Of(path).Kind;
        if (kind == FileKind.Missing)
        {
            return;
        }
        if (kind != FileKind.Regular)
        {
            throw new OutputPathException(path, $"{option} is {FileStatus.Describe(kind)}; refusing to replace it with a file.");
        }
        byte[] head;
        using (var stream = RegularFile.OpenRead(path, bufferSize: 1))
        {
            head = new byte[(int)Math.Min(stream.Length, SniffBytes)];
            stream.ReadExactly(head);
        }
        if (!recognizes(head))
        {
            throw new OutputPathException(path, $"{option} exists and is not {what}; refusing to replace it. Delete it first or choose another {option}.");
        }
    }
}
