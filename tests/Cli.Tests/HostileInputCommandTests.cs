using MultiModal.Encoders.IO;

namespace MultiModal.Cli.Tests;

/// <summary>Issue 10, hostile input at the command line: bounded work, clear messages, every command answers --help.</summary>
public sealed class HostileInputCommandTests : CliTestBase, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-hostile-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Photos()
    {
        var folder = Path.Combine(_dir, "photos");
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        File.Copy(Image("fruits.jpg"), Path.Combine(folder, "fruits.jpg"));
        File.Copy(Image("camera.png"), Path.Combine(folder, "sub", "camera.png"));
        return folder;
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", path);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    [Fact]
    public async Task IndexBuild_FifoNamedLikeAnImageAndALinkLoop_SkipsTheFifoIndexesEachImageOnce()
    {
        // Before: the FIFO hung the build (Ctrl-C did not stop it) and the loop indexed each image 41 times.
        var photos = Photos();
        MakeFifo(Path.Combine(photos, "pipe.jpg"));
        Directory.CreateSymbolicLink(Path.Combine(photos, "sub", "loop"), photos);

        var build = Task.Run(() => Run("index", "build", "--model", HfModel, "--images", photos, "--out", Path.Combine(_dir, "idx")));
        Assert.True(await Task.WhenAny(build, Task.Delay(TimeSpan.FromSeconds(120))) == build, "index build hung");
        var r = await build;

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(2, r.Json.GetProperty("added").GetInt32());
        Assert.Equal(2, r.Json.GetProperty("count").GetInt32());
        Assert.Equal(1, r.Json.GetProperty("skipped_links").GetInt32());
        var skipped = Assert.Single(r.Json.GetProperty("skipped").EnumerateArray());
        Assert.Equal(Path.Combine(photos, "pipe.jpg"), skipped.GetProperty("path").GetString());
        Assert.Equal("is a FIFO (named pipe), not a regular file", skipped.GetProperty("reason").GetString());
    }

    [Fact]
    public void IndexSearch_HugeK_ClampedToTheIndexSizeNoCrash()
    {
        var vectors = Path.Combine(_dir, "v.npy");
        var queries = Path.Combine(_dir, "q.npy");
        NpyFile.Write(vectors, Enumerable.Range(0, 30 * 4).Select(i => (float)Math.Sin(i)).ToArray(), [30, 4]);
        NpyFile.Write(queries, Enumerable.Range(0, 2 * 4).Select(i => (float)Math.Cos(i)).ToArray(), [2, 4]);
        var index = Path.Combine(_dir, "idx");
        Assert.Equal(0, Run("index", "import", "--vectors", vectors, "--out", index, "--kind", "hnsw").ExitCode);

        foreach (var k in new[] { "2147483647", "100000000" })
        {
            var ids = Path.Combine(_dir, "ids.npy");
            var r = Run("index", "search", "--index", index, "--queries", queries, "-k", k, "--out", ids);

            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Equal(30, r.Json.GetProperty("k").GetInt32());
            Assert.Equal([2L, 30], NpyFile.ReadInt64(ids).Shape);
        }
    }

    [Fact]
    public void Search_HugeK_ReturnsEveryImage()
    {
        var index = Path.Combine(_dir, "idx");
        Assert.Equal(0, Run("index", "build", "--model", HfModel, "--images", Photos(), "--out", index).ExitCode);

        var r = Run("search", "--index", index, "--text", "fruit", "-k", "2147483647", "--json");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(2, r.Json.GetProperty("hits").GetArrayLength());
    }

    [Fact]
    public void Search_MissingIndex_SaysItDoesNotExist()
    {
        var missing = Path.Combine(_dir, "nope");

        var r = Run("search", "--index", missing, "--text", "x");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"mm: {missing}: The index directory does not exist.", r.Stderr.Trim());
    }

    [Fact]
    public void IndexImport_Float64Vectors_SaysFloat64AndHowToConvert()
    {
        // A float64 .npy as numpy.save writes it: '<f8'.
        var path = Path.Combine(_dir, "f64.npy");
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
        header = header.PadRight(64 - 10 - 1) + "\n";
        using (var file = File.Create(path))
        {
            file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0]);
            file.Write(System.Text.Encoding.ASCII.GetBytes(header));
            file.Write(new byte[32]);
        }

        var r = Run("index", "import", "--vectors", path, "--out", Path.Combine(_dir, "idx"), "--kind", "flat");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("holds float64 values ('<f8'); only float32 ('<f4') and int64 ('<i8') are read", r.Stderr);
        Assert.Contains("astype(numpy.float32)", r.Stderr);
    }

    [Theory]
    [InlineData("embed")]
    [InlineData("tokenize")]
    [InlineData("preprocess")]
    [InlineData("info")]
    [InlineData("classify")]
    [InlineData("index", "import")]
    [InlineData("index", "search")]
    [InlineData("index", "build")]
    [InlineData("index")]
    [InlineData("search")]
    [InlineData("eval", "zeroshot")]
    [InlineData("eval", "retrieval")]
    [InlineData("train")]
    [InlineData("demo")]
    public void Help_AfterAnyCommand_PrintsItsUsageExitZero(params string[] command)
    {
        foreach (var args in new[] { [.. command, "--help"], [.. command, "--model", "x", "-h"], command.Concat(["--help", "--bogus"]).ToArray() })
        {
            var r = Run(args);

            Assert.True(r.ExitCode == 0, $"{string.Join(' ', args)}: {r.Stderr}");
            Assert.StartsWith("Usage:", r.Stdout);
            Assert.Contains("  mm " + string.Join(' ', command), r.Stdout);
        }
    }

    [Fact]
    public void UnknownOptionGivenLast_SaysUnknownNotNeedsAValue()
    {
        var r = Run("embed", "--model", HfModel, "--text", "a cat", "--verbose");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("mm: Unknown option: --verbose. Add --help to see this command's options.", r.Stderr.Trim());
    }

    [Fact]
    public void KnownOptionWithoutValue_SaysItNeedsAValue()
    {
        var last = Run("embed", "--model", HfModel, "--text");
        var beforeAnother = Run("embed", "--text", "--model", HfModel);

        Assert.Equal((2, "mm: --text needs a value."), (last.ExitCode, last.Stderr.Trim()));
        Assert.Equal((2, "mm: --text needs a value."), (beforeAnother.ExitCode, beforeAnother.Stderr.Trim()));
    }

    [Fact]
    public void Classify_ClassFileNamingAClassTwice_RefusedNamingBothLines()
    {
        var classes = Path.Combine(_dir, "classes.txt");
        File.WriteAllText(classes, "cat\ndog\ncat\n");

        var r = Run("classify", "--model", HfModel, "--classes", classes, "--image", Image("fruits.jpg"), "-k", "1");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"{classes}: line 3: class name 'cat' repeats line 1", r.Stderr);
    }

    [Fact]
    public async Task Embed_FifoNamedLikeAnImage_FailsAtOnceNamingIt()
    {
        // Before: opening the FIFO blocked for ever and Ctrl-C did not stop it.
        var fifo = Path.Combine(_dir, "pipe.jpg");
        MakeFifo(fifo);

        var embed = Task.Run(() => Run("embed", "--model", HfModel, "--image", fifo));
        Assert.True(await Task.WhenAny(embed, Task.Delay(TimeSpan.FromSeconds(60))) == embed, "mm embed blocked on a FIFO");
        var r = await embed;

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("pipe.jpg", r.Stderr);
        Assert.Contains("is a FIFO (named pipe), not a regular file", r.Stderr);
    }

    [Fact]
    public async Task IndexBuild_SigintWhileEmbedding_StopsPromptlyWith130AndKeepsFinishedImages()
    {
        var photos = Path.Combine(_dir, "many");
        Directory.CreateDirectory(photos);
        for (int i = 0; i < 4000; i++)
        {
            // Links: 4000 distinct paths, one file on disk; far more than the run gets through before the signal.
            File.CreateSymbolicLink(Path.Combine(photos, $"{i:D4}.jpg"), Image("butterfly.jpg"));
        }
        var index = Path.Combine(_dir, "idx");
        using var process = StartProcess(null, "index", "build", "--model", HfModel, "--images", photos, "--out", index, "--batch-size", "8");
        var stderr = new System.Text.StringBuilder();
        var sawProgress = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
            if (e.Data?.Contains("embedding [", StringComparison.Ordinal) == true)
            {
                sawProgress.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(await Task.WhenAny(sawProgress.Task, Task.Delay(TimeSpan.FromSeconds(90))) == sawProgress.Task, "no progress line");

        var signalled = System.Diagnostics.Stopwatch.StartNew();
        using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        var exited = process.WaitForExitAsync();
        Assert.True(await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(30))) == exited, "mm index build ignored SIGINT");
        var latency = signalled.Elapsed;

        Assert.Equal(130, process.ExitCode);
        // Generous bound for a loaded 2-core CI machine; the batch in flight (8 tiny images) is what it waits for.
        Assert.True(latency < TimeSpan.FromSeconds(5), $"stopping took {latency.TotalSeconds:0.00} s");
        lock (stderr)
        {
            Assert.Contains("saved the", stderr.ToString());
        }
        Assert.True(MultiModal.Index.SavedIndex.Exists(index));
    }

    [Fact]
    public void Embed_TruncatedJpeg_RefusedByDefault_EmbeddedWithAllowTruncated()
    {
        // A photo cut inside its entropy-coded data. Before, it embedded silently as a flat colour.
        var bytes = File.ReadAllBytes(Image("fruits.jpg"));
        var cut = Path.Combine(_dir, "cut.jpg");
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 6 / 10)]);
        var refused = Run("embed", "--model", HfModel, "--image", cut);
        var allowed = Run("embed", "--model", HfModel, "--allow-truncated", "--image", cut);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("truncated", refused.Stderr);
        Assert.True(allowed.ExitCode == 0, allowed.Stderr);
        Assert.Equal(32, allowed.Json.GetProperty("images")[0].GetProperty("embedding").GetArrayLength());
    }

    [Fact]
    public void Embed_ModelWithAnAllZeroProjection_WarnsOnStandardError()
    {
        var model = Path.Combine(_dir, "zero-proj");
        CopyFolder(HfModel, model);
        var weights = Path.Combine(model, "model.safetensors");
        List<KeyValuePair<string, TorchSharp.torch.Tensor>> tensors;
        using (var file = MultiModal.Encoders.Checkpoints.SafeTensorsFile.Open(weights))
        {
            tensors = file.Tensors.Keys.Select(name => KeyValuePair.Create(name,
                name == "visual_projection.weight" ? TorchSharp.torch.zeros_like(file.ReadTensor(name)) : file.ReadTensor(name))).ToList();
        }
        MultiModal.Encoders.Checkpoints.SafeTensorsWriter.Save(weights, tensors);

        var r = Run("embed", "--model", model, "--text", "a cat");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("mm: warning: ", r.Stderr);
        Assert.Contains("visual_projection.weight is all zeros", r.Stderr);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
