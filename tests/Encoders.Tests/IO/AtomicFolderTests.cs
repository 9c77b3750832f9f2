using System.Diagnostics;
using System.Text.Json.Nodes;
using MultiModal.Encoders.IO;

namespace MultiModal.Encoders.Tests.IO;

// AtomicFolder's test hooks are static: this class must not run beside another that sets them.
[Collection("AtomicFolder.FaultInjection")]
public sealed class AtomicFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mm-atomic-folder-").FullName;

    public void Dispose()
    {
        AtomicFolder.FaultInjection = null;
        AtomicFolder.DisableExchange = false;
        Directory.Delete(_root, recursive: true);
    }

    private string[] Entries() => Directory.GetFileSystemEntries(_root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private static Action<string> Files(params string[] names) => staging =>
    {
        foreach (var name in names)
        {
            File.WriteAllText(Path.Combine(staging, name), name);
        }
    };

    private static AtomicFolderOptions Kind(string kind) => new() { Kind = kind };

    [Fact]
    public void Write_MissingFolder_CreatesItWithAMarkerOfItsKind()
    {
        var dir = Path.Combine(_root, "model");

        AtomicFolder.Write(dir, Files("a.txt"), Kind("model"));

        Assert.Equal("a.txt", File.ReadAllText(Path.Combine(dir, "a.txt")));
        var marker = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, AtomicFolder.MarkerFile)))!;
        Assert.Equal(("multimodal-artefact", "model", Environment.ProcessId), ((string)marker["format"]!, (string)marker["kind"]!, (int)marker["pid"]!));
        Assert.Equal(32, ((string)marker["id"]!).Length);
        Assert.True(AtomicFolder.IsMarked(dir, "model"));
        Assert.Equal(["model"], Entries());
    }

    [Fact]
    public void Write_OwnFolderOfTheSameKind_ReplacesItCompletely()
    {
        var dir = Path.Combine(_root, "model");
        AtomicFolder.Write(dir, Files("old.txt", "both.txt"), Kind("model"));

        AtomicFolder.Write(dir, Files("both.txt", "new.txt"), Kind("model"));

        Assert.Equal([AtomicFolder.MarkerFile, "both.txt", "new.txt"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["model"], Entries());
    }

    [Fact]
    public void Write_OwnFolderOfAnotherKind_RefusedAndUntouched()
    {
        var dir = Path.Combine(_root, "x");
        AtomicFolder.Write(dir, Files("keep.txt"), Kind("model"));

        var error = Assert.Throws<OutputPathException>(() => AtomicFolder.Write(dir, Files("i.txt"), Kind("index")));

        Assert.Contains("holds a MultiModal model, not a index", error.Message);
        Assert.True(File.Exists(Path.Combine(dir, "keep.txt")));
        Assert.Equal(["x"], Entries());
    }

    [Fact]
    public void Write_UserFolderWithOtherFiles_RefusedNamingThemAndNothingChanges()
    {
        // The case that lost data: `--out` pointing at a folder of the user's (here, their photos and notes).
        var dir = Path.Combine(_root, "photos");
        Directory.CreateDirectory(Path.Combine(dir, "trip"));
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
        File.WriteAllText(Path.Combine(dir, "trip", "a.jpg"), "jpeg");

        var error = Assert.Throws<OutputPathException>(() => AtomicFolder.Write(dir, Files("manifest.json"), Kind("index")));

        Assert.Equal(dir, error.OutputPath);
        Assert.Contains("is a folder this library did not write (it holds notes.txt, trip, trip/a.jpg)", error.Message);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "notes.txt")));
        Assert.Equal("jpeg", File.ReadAllText(Path.Combine(dir, "trip", "a.jpg")));
        Assert.Equal(["photos"], Entries());
    }

    [Fact]
    public void Write_UnmarkedFolderEveryFileOfWhichTheSaveRewrites_Replaced()
    {
        // A folder saved before markers existed: nothing in it would be lost.
        var dir = Path.Combine(_root, "old-save");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "model.safetensors"), "v1");

        AtomicFolder.Write(dir, Files("model.safetensors", "config.json"), Kind("model"));

        Assert.Equal("model.safetensors", File.ReadAllText(Path.Combine(dir, "model.safetensors")));
        Assert.True(AtomicFolder.IsMarked(dir, "model"));
    }

    [Fact]
    public void Write_UnmarkedFolderTheRecogniserAccepts_Replaced()
    {
        var dir = Path.Combine(_root, "legacy");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "metadata.jsonl"), "");

        AtomicFolder.Write(dir, Files("manifest.json"), new AtomicFolderOptions { Kind = "index", RecognizesUnmarked = d => File.Exists(Path.Combine(d, "metadata.jsonl")) });

        Assert.False(File.Exists(Path.Combine(dir, "metadata.jsonl")));
    }

    [Fact]
    public void Write_EmptyFolder_WritesIntoIt()
    {
        var dir = Path.Combine(_root, "empty");
        Directory.CreateDirectory(dir);

        AtomicFolder.Write(dir, Files("a.txt"), Kind("model"));

        Assert.True(File.Exists(Path.Combine(dir, "a.txt")));
    }

    [Fact]
    public void Write_PathIsAFileOrFifo_RefusedAndNoStagingFolderLeft()
    {
        var file = Path.Combine(_root, "file");
        File.WriteAllText(file, "keep");
        var fifo = Path.Combine(_root, "fifo");
        RegularFileTests.MakeFifo(fifo);

        Assert.Contains("is a regular file, not a folder", Assert.Throws<OutputPathException>(() => AtomicFolder.Write(file, Files("a"))).Message);
        Assert.Contains("is a FIFO (named pipe), not a folder", Assert.Throws<OutputPathException>(() => AtomicFolder.Write(fifo, Files("a"))).Message);

        Assert.Equal("keep", File.ReadAllText(file));
        Assert.Equal(["fifo", "file"], Entries());
    }

    [Fact]
    public void Write_SymbolicLinkToAFolder_WritesThroughAndKeepsTheLink()
    {
        var real = Path.Combine(_root, "real");
        AtomicFolder.Write(real, Files("v1.txt"), Kind("model"));
        var link = Path.Combine(_root, "link");
        Directory.CreateSymbolicLink(link, real);

        AtomicFolder.Write(link, Files("v2.txt"), Kind("model"));

        Assert.Equal(FileKind.SymbolicLink, FileStatus.Of(link, followLinks: false).Kind);
        Assert.True(File.Exists(Path.Combine(real, "v2.txt")));
        Assert.False(File.Exists(Path.Combine(real, "v1.txt")));
    }

    [Fact]
    public void Write_TheWorkingFolder_Refused()
    {
        Assert.Contains("is the current folder or contains it",
            Assert.Throws<OutputPathException>(() => AtomicFolder.Write(Environment.CurrentDirectory, Files("a"))).Message);
        Assert.Throws<OutputPathException>(() => AtomicFolder.Write("/", Files("a")));
    }

    [Fact]
    public void Write_FillThrows_TargetUntouchedAndStagingRemoved()
    {
        var dir = Path.Combine(_root, "m");
        AtomicFolder.Write(dir, Files("v1.txt"), Kind("model"));

        Assert.Throws<InvalidOperationException>(() => AtomicFolder.Write(dir, _ => throw new InvalidOperationException("boom"), Kind("model")));

        Assert.True(File.Exists(Path.Combine(dir, "v1.txt")));
        Assert.Equal(["m"], Entries());
    }

    [Fact]
    public void Write_UserBackupsNamedLikeOldStagingFolders_NeverRemoved()
    {
        // Earlier versions deleted NAME.old / NAME.saving on every load and save: a user's manual backup vanished.
        var dir = Path.Combine(_root, "idx");
        foreach (var backup in new[] { "idx.old", "idx.saving", "idx.mm-staging-0123456789abcdef0123456789abcdef", "idx.mm-old-0123456789abcdef0123456789abcdef" })
        {
            Directory.CreateDirectory(Path.Combine(_root, backup));
            File.WriteAllText(Path.Combine(_root, backup, "precious.txt"), backup);
        }

        AtomicFolder.Write(dir, Files("a"), Kind("index"));
        AtomicFolder.Write(dir, Files("b"), Kind("index"));
        _ = AtomicFolder.ResolveForRead(dir);

        Assert.Equal(["idx", "idx.mm-old-0123456789abcdef0123456789abcdef", "idx.mm-staging-0123456789abcdef0123456789abcdef", "idx.old", "idx.saving"], Entries());
        Assert.Equal("idx.old", File.ReadAllText(Path.Combine(_root, "idx.old", "precious.txt")));
    }

    [Fact]
    public void Write_CrashAfterTheSwap_NewFolderInPlaceAndTheNextSaveRemovesTheOld()
    {
        var dir = Path.Combine(_root, "m");
        AtomicFolder.Write(dir, Files("v1.txt"), Kind("model"));
        AtomicFolder.FaultInjection = s => { if (s == "swapped") throw new IOException("simulated crash"); };
        Assert.Throws<IOException>(() => AtomicFolder.Write(dir, Files("v2.txt"), Kind("model")));
        AtomicFolder.FaultInjection = null;

        Assert.True(File.Exists(Path.Combine(dir, "v2.txt")));
        var leftover = Assert.Single(Entries(), e => e.StartsWith("m.mm-staging-", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(_root, leftover, "v1.txt"))); // the old folder, under the staging name

        AtomicFolder.Write(dir, Files("v3.txt"), Kind("model"));

        Assert.Equal(["m"], Entries());
    }

    [Fact]
    public void Write_WithoutExchangeCrashBetweenTheRenames_ReadersSeeTheNewFolderAndTheNextSaveFinishes()
    {
        AtomicFolder.DisableExchange = true;
        var dir = Path.Combine(_root, "m");
        AtomicFolder.Write(dir, Files("v1.txt"), Kind("model"));
        AtomicFolder.FaultInjection = s => { if (s == "old-moved-aside") throw new IOException("simulated crash"); };
        Assert.Throws<IOException>(() => AtomicFolder.Write(dir, Files("v2.txt"), Kind("model")));
        AtomicFolder.FaultInjection = null;
        Assert.False(Directory.Exists(dir));

        var readable = AtomicFolder.ResolveForRead(dir);

        Assert.True(File.Exists(Path.Combine(readable, "v2.txt")));
        Assert.Equal(2, Entries().Length); // reading changed nothing: old and staging are both still there
        AtomicFolder.Write(dir, Files("v3.txt"), Kind("model"));
        Assert.Equal(["m"], Entries());
        Assert.True(File.Exists(Path.Combine(dir, "v3.txt")));
    }

    [Fact]
    public void Write_StagingFolderOfAProcessThatDied_Removed_OfALiveProcess_Kept()
    {
        var dir = Path.Combine(_root, "m");
        AtomicFolder.Write(dir, Files("v1.txt"), Kind("model"));
        using var alive = Process.Start(new ProcessStartInfo("sleep", ["30"]) { UseShellExecute = false })!;
        using var dead = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        dead.WaitForExit();
        var liveStaging = FakeStaging(dir, alive.Id);
        var deadStaging = FakeStaging(dir, dead.Id);
        try
        {
            AtomicFolder.Write(dir, Files("v2.txt"), Kind("model"));

            Assert.True(Directory.Exists(liveStaging), "a live writer's staging folder was removed");
            Assert.False(Directory.Exists(deadStaging), "a dead writer's staging folder was kept");
        }
        finally
        {
            alive.Kill();
        }
    }

    /// <summary>A staging folder as a save by process <paramref name="pid"/> leaves it: its marker carries the id of its name.</summary>
    private static string FakeStaging(string dir, int pid)
    {
        var id = Guid.NewGuid().ToString("N");
        var staging = $"{dir}.mm-staging-{id}";
        Directory.CreateDirectory(staging);
        var start = long.Parse(File.Exists($"/proc/{pid}/stat")
            ? File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].Split(' ')[19]
            : "0", System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(staging, AtomicFolder.MarkerFile),
            $$"""{"format":"multimodal-artefact","kind":"model","id":"{{id}}","pid":{{pid}},"pid_start":{{start}}}""");
        return staging;
    }
}
