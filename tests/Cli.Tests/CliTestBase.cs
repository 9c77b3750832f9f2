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

    /// <summary>Runs <c>mm</c> as a real process (exit codes, signals, working folder); 120 s at most.</summary>
    protected static (int Code, string Stdout, string Stderr) RunProcess(string? workingDirectory, params string[] args)
    {
        using var process = StartProcess(workingDirectory, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("mm did not finish in 120 s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts <c>dotnet exec mm.dll ARGS</c> with redirected output.</summary>
    protected static System.Diagnostics.Process StartProcess(string? workingDirectory, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mm.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        return System.Diagnostics.Process.Start(info)!;
    }

    protected static string RepoRoot { get; } = FindRepoRoot();

    protected static string Fixtures => Path.Combine(RepoRoot, "tests", "fixtures");

    protected static string HfModel => Path.Combine(Fixtures, "clip", "models", "tiny-quickgelu-hf");

    protected static string OpenClipModel => Path.Combine(Fixtures, "clip", "models", "tiny-gelu-openclip");

    protected static string Vocabulary => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", "clip", "bpe_simple_vocab_16e6.txt.gz"));

    protected static string Image(string name) => Path.Combine(Fixtures, "images", name);

    /// <summary>Writes an uncompressed IDX ubyte file (MNIST format): magic 00 00 08 ndims, big-endian sizes, data.</summary>
    protected static void WriteIdx(string path, int[] dims, byte[] data)
    {
        using var file = File.Create(path);
        file.Write([0, 0, 8, (byte)dims.Length]);
        Span<byte> word = stackalloc byte[4];
        foreach (int d in dims)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(word, d);
            file.Write(word);
        }
        file.Write(data);
    }

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
