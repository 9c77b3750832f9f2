using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MultiModal.Cli.Tests;

/// <summary>Runs <c>mm</c> in process and captures its output.</summary>
public abstract class CliTestBase
{
    protected sealed record CliResult(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;
    }

    protected static CliResult Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    protected static string RepoRoot { get; } = FindRepoRoot();

    protected static string Fixtures => Path.Combine(RepoRoot, "tests", "fixtures");

    protected static string HfModel => Path.Combine(Fixtures, "clip", "models", "tiny-quickgelu-hf");

    protected static string OpenClipModel => Path.Combine(Fixtures, "clip", "models", "tiny-gelu-openclip");

    protected static string Vocabulary => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", "clip", "bpe_simple_vocab_16e6.txt.gz"));

    protected static string Image(string name) => Path.Combine(Fixtures, "images", name);

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

/// <summary>One OpenMP thread per test process: two threads on two shared cores once ran 18x slower.</summary>
internal static class TorchThreads
{
    [ModuleInitializer]
    internal static void SingleThread() => TorchSharp.torch.set_num_threads(1);
}
