using System.Diagnostics;
using System.Text;

namespace MultiModal.Fuzz;

/// <summary>
/// Runs fuzz cases in child processes of this assembly (<c>replay</c> or <c>mutate</c>), so that a native crash, a
/// memory blow-up or a hang costs one child, not the caller: a case that kills its child is recorded as a finding
/// and a new child resumes after it. Used by <c>triage</c> and by MultiModal.Fuzz.Tests.
/// </summary>
public static class ProcessRunner
{
    /// <summary>Seconds a child may stay silent beyond the case time limit before the parent kills it.</summary>
    private const int GraceSeconds = 60;

    /// <summary>
    /// Runs cases <c>0..count-1</c> of <paramref name="arguments"/> (the command line after the verb's <c>--from</c>
    /// is appended); returns one result per case, in order.
    /// </summary>
    /// <param name="target">The target's name (for its memory cap).</param>
    /// <param name="arguments">e.g. <c>["replay", "jpeg", "--list", path]</c>.</param>
    /// <param name="count">Number of cases the command has.</param>
    /// <param name="caseSeconds">Time limit of one case (the child's guard enforces it).</param>
    /// <param name="log">Receives the children's other output (stderr and stray stdout), for diagnostics.</param>
    public static IReadOnlyList<CaseResult> Run(string target, IReadOnlyList<string> arguments, int count, double caseSeconds, Action<string>? log = null)
    {
        var results = new List<CaseResult>();
        int next = 0;
        while (next < count)
        {
            int started = -1, first = next;
            string startedLabel = "";
            bool done = false;
            using var child = Start(target, [.. arguments, "--from", next.ToString(System.Globalization.CultureInfo.InvariantCulture), "--limit", caseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            child.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    log?.Invoke(e.Data);
                }
            };
            child.BeginErrorReadLine();
            var lines = new System.Collections.Concurrent.BlockingCollection<string?>();
            var reader = new Thread(() =>
            {
                while (child.StandardOutput.ReadLine() is { } line)
                {
                    lines.Add(line);
                }
                lines.Add(null);
            }) { IsBackground = true };
            reader.Start();
            while (true)
            {
                if (!lines.TryTake(out var line, TimeSpan.FromSeconds(caseSeconds + GraceSeconds)))
                {
                    log?.Invoke($"child silent for {caseSeconds + GraceSeconds} s; killing it");
                    child.Kill(entireProcessTree: true);
                    if (started >= 0)
                    {
                        results.Add(new CaseResult(started, startedLabel, Verdict.Fatal("hang", "the child process stopped answering"), 0));
                    }
                    break;
                }
                if (line is null)
                {
                    break;
                }
                switch (CaseLoop.Parse(line))
                {
                    case ("start", var index, var label, _):
                        started = index;
                        startedLabel = label;
                        break;
                    case ("result", var index, _, { } result):
                        results.Add(result);
                        started = -1;
                        next = index + 1;
                        break;
                    case ("done", _, _, _):
                        done = true;
                        break;
                    case null:
                        log?.Invoke(line);
                        break;
                }
            }
            child.WaitForExit();
            if (done)
            {
                break;
            }
            if (started >= 0)
            {
                // Killed mid-case without a word: a native crash (SIGSEGV, abort) or the runtime failing fast.
                results.Add(new CaseResult(started, startedLabel, Verdict.Fatal("crash", CrashText(child.ExitCode)), 0));
                next = started + 1;
            }
            else if (next == first)
            {
                throw new InvalidOperationException($"The fuzz child exited with code {child.ExitCode} before running a case; see its output.");
            }
        }
        return results;
    }

    /// <summary>"the process died (exit code 139 = SIGSEGV)".</summary>
    private static string CrashText(int exitCode)
    {
        var signal = exitCode > 128 ? (exitCode - 128) switch
        {
            4 => " = SIGILL",
            6 => " = SIGABRT",
            7 => " = SIGBUS",
            8 => " = SIGFPE",
            9 => " = SIGKILL",
            11 => " = SIGSEGV",
            _ => $" = signal {exitCode - 128}",
        } : "";
        return $"the process died (exit code {exitCode}{signal})";
    }

    /// <summary>
    /// Starts this assembly as a child process with <paramref name="arguments"/> and the target's memory limits (stdin
    /// closed; stdout and stderr redirected unless <paramref name="redirect"/> is false).
    /// </summary>
    public static Process Start(string target, IReadOnlyList<string> arguments, bool redirect = true)
    {
        var dll = typeof(ProcessRunner).Assembly.Location;
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = redirect,
            RedirectStandardError = redirect,
            RedirectStandardInput = redirect,
            UseShellExecute = false,
            StandardOutputEncoding = redirect ? Encoding.UTF8 : null,
        };
        info.ArgumentList.Add("exec");
        // Beside the test assembly the harness has no runtimeconfig/deps of its own: borrow the host application's,
        // which list the same packages (TorchSharp's and USearch's native libraries included).
        var own = Path.ChangeExtension(dll, ".runtimeconfig.json");
        if (!File.Exists(own) && HostConfig() is { } host)
        {
            info.ArgumentList.Add("--runtimeconfig");
            info.ArgumentList.Add(host + ".runtimeconfig.json");
            info.ArgumentList.Add("--depsfile");
            info.ArgumentList.Add(host + ".deps.json");
        }
        info.ArgumentList.Add(dll);
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        info.Environment["DOTNET_GCHeapHardLimit"] = $"0x{(long)FuzzTarget.MemoryCapOf(target) << 20:X}";
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the fuzz child process.");
        if (redirect)
        {
            process.StandardInput.Close();
        }
        return process;
    }

    /// <summary>The dotnet host: DOTNET_HOST_PATH (set by the SDK for test runs), this process when it is dotnet, else PATH.</summary>
    private static string DotnetHost()
    {
        var path = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(path) && File.Exists(path))
        {
            return path;
        }
        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    /// <summary>The path without extension of a *.runtimeconfig.json + *.deps.json pair in the application folder.</summary>
    private static string? HostConfig()
    {
        var dir = AppContext.BaseDirectory;
        return Directory.GetFiles(dir, "*.runtimeconfig.json")
            .Select(f => f[..^".runtimeconfig.json".Length])
            .Where(f => File.Exists(f + ".deps.json") && !Path.GetFileName(f).StartsWith("testhost", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f, StringComparer.Ordinal)
            .FirstOrDefault();
    }
}
