using System.Text.Json;

namespace MultiModal.Training.Tests.Helpers;

/// <summary>tests/fixtures/training/reference.json, written by generate.py beside it (PyTorch 1.13).</summary>
internal static class Reference
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "tests", "fixtures", "training", "reference.json"))).RootElement);

    public static JsonElement Get(string name) => Root.Value.GetProperty(name);

    public static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MultiModal.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new DirectoryNotFoundException("MultiModal.sln not found");
    }
}
