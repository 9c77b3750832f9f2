namespace MultiModal.Fuzz;

/// <summary>The corpus layout: seeds directly in tests/fuzz/corpus/TARGET, kept findings in its findings/ folder.</summary>
public static class Corpus
{
    /// <summary>The seed files (not findings) of the folders, sorted by path.</summary>
    public static IReadOnlyList<byte[]> Seeds(IEnumerable<string> folders) =>
        SeedPaths(folders).Select(File.ReadAllBytes).ToList();

    /// <summary>Paths of the seed files directly inside <paramref name="folders"/>, sorted ordinally.</summary>
    public static IReadOnlyList<string> SeedPaths(IEnumerable<string> folders) =>
        folders.SelectMany(f => Directory.GetFiles(f)).Where(f => !System.IO.Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList();

    /// <summary>Paths of the kept findings of a target folder (its findings/ subfolder), sorted ordinally.</summary>
    public static IReadOnlyList<string> FindingPaths(string folder)
    {
        var findings = System.IO.Path.Combine(folder, "findings");
        return Directory.Exists(findings) ? SeedPaths([findings]) : [];
    }
}
