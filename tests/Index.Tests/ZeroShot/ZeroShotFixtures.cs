namespace MultiModal.Index.Tests.ZeroShot;

/// <summary>Paths to the shared test fixtures (tiny random-weight CLIP model, sample images).</summary>
internal static class ZeroShotFixtures
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string TinyModel => Path.Combine(RepoRoot, "tests", "fixtures", "clip", "models", "tiny-quickgelu-hf");

    public static string Image(string name) => Path.Combine(RepoRoot, "tests", "fixtures", "images", name);

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MultiModal.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new DirectoryNotFoundException("MultiModal.sln not found");
    }
}
