using System.Runtime.CompilerServices;

namespace MultiModal.Encoders.Tests;

/// <summary>Locations of committed fixtures and of ../shared, found by walking up from the test binary.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> RepoRootLazy = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MultiModal.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new DirectoryNotFoundException("MultiModal.sln not found above " + AppContext.BaseDirectory);
    });

    public static string RepoRoot => RepoRootLazy.Value;

    public static string Fixtures => Path.Combine(RepoRoot, "tests", "fixtures");

    public static string Images => Path.Combine(Fixtures, "images");

    /// <summary>The shared/ folder laid beside the checkout (read-only).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string ClipVocabulary => Path.Combine(Shared, "data", "clip", "bpe_simple_vocab_16e6.txt.gz");
}

/// <summary>One OpenMP thread per test process: two threads on two shared cores once ran 18x slower.</summary>
internal static class TorchThreads
{
    [ModuleInitializer]
    internal static void SingleThread() => TorchSharp.torch.set_num_threads(1);
}
