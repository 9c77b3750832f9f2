using MultiModal.Encoders.IO;

namespace MultiModal.Cli.Tests;

/// <summary>
/// Issue 10, data loss: every case here deleted or replaced a user's files before the fix. An output path may be
/// missing, an empty folder or the library's own artefact; anything else is refused with exit 2 and nothing changes.
/// </summary>
public sealed class OutputSafetyTests : CliTestBase, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-out-safety-").FullName;

    public OutputSafetyTests()
    {
        NpyFile.Write(Vectors, Enumerable.Range(0, 40 * 8).Select(i => (float)Math.Sin(i)).ToArray(), [40, 8]);
        NpyFile.Write(Queries, Enumerable.Range(0, 3 * 8).Select(i => (float)Math.Cos(i)).ToArray(), [3, 8]);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Vectors => Path.Combine(_dir, "v.npy");

    private string Queries => Path.Combine(_dir, "q.npy");

    private string[] Entries(string? folder = null) =>
        Directory.GetFileSystemEntries(folder ?? _dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private string UserFolder()
    {
        var folder = Path.Combine(_dir, "mine");
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "keep me");
        File.WriteAllText(Path.Combine(folder, "sub", "photo.jpg"), "keep me too");
        return folder;
    }

    [Fact]
    public void IndexImport_OutIsTheWorkingFolderHoldingTheInput_ExitTwoAndNothingDeleted()
    {
        // Before: `mm index import --vectors v.npy --out .` moved the working folder aside and deleted it, input included.
        var (code, _, stderr) = RunProcess(_dir, "index", "import", "--vectors", "v.npy", "--out", ".", "--kind", "flat");

        Assert.Equal(2, code);
        Assert.Contains("--out contains --vectors 'v.npy'", stderr);
        Assert.Equal(["q.npy", "v.npy"], Entries());
    }

    [Fact]
    public void IndexBuild_OutEqualsImages_ExitTwoAndImagesIntact()
    {
        var images = UserFolder();

        var r = Run("index", "build", "--model", HfModel, "--images", images, "--out", images);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"--out is the same path as --images '{images}'", r.Stderr);
        Assert.Equal(["notes.txt", "sub"], Entries(images));
        Assert.Equal("keep me too", File.ReadAllText(Path.Combine(images, "sub", "photo.jpg")));
    }

    [Fact]
    public void IndexImport_OutIsAUsersFolder_ExitTwoNamingItAndNothingChanges()
    {
        var mine = UserFolder();

        var r = Run("index", "import", "--vectors", Vectors, "--out", mine, "--kind", "flat");

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"mm: {mine}: is a folder this library did not write (it holds notes.txt, sub, sub/photo.jpg)", r.Stderr);
        Assert.Equal(["notes.txt", "sub"], Entries(mine));
        Assert.Equal(["mine", "q.npy", "v.npy"], Entries());
    }

    [Fact]
    public void IndexImport_OutIsAFile_ExitTwoAndNoStagingFolderLeft()
    {
        var file = Path.Combine(_dir, "report.txt");
        File.WriteAllText(file, "keep");

        var r = Run("index", "import", "--vectors", Vectors, "--out", file, "--kind", "flat");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is a regular file, not a folder", r.Stderr);
        Assert.Equal("keep", File.ReadAllText(file));
        Assert.Equal(["q.npy", "report.txt", "v.npy"], Entries()); // before: report.txt.saving/ was left behind
    }

    [Fact]
    public void IndexImport_OverItsOwnIndex_ReplacesIt()
    {
        var index = Path.Combine(_dir, "idx");
        Assert.Equal(0, Run("index", "import", "--vectors", Vectors, "--out", index, "--kind", "flat").ExitCode);

        var again = Run("index", "import", "--vectors", Vectors, "--out", index, "--kind", "hnsw");

        Assert.Equal(0, again.ExitCode);
        Assert.Equal(["idx", "idx.lock", "q.npy", "v.npy"], Entries());
    }

    [Fact]
    public void SearchAndBuild_UsersBackupNamedLikeTheOldStagingFolders_Survive()
    {
        // Before: every load, even a read-only search, deleted NAME.old and NAME.saving.
        var index = Path.Combine(_dir, "idx");
        Assert.Equal(0, Run("index", "import", "--vectors", Vectors, "--out", index, "--kind", "flat").ExitCode);
        foreach (var backup in new[] { "idx.old", "idx.saving" })
        {
            Directory.CreateDirectory(Path.Combine(_dir, backup));
            File.WriteAllText(Path.Combine(_dir, backup, "manifest.json"), "my backup");
        }

        Assert.Equal(0, Run("index", "search", "--index", index, "--queries", Queries, "-k", "3", "--out", Path.Combine(_dir, "ids.npy")).ExitCode);
        Assert.Equal(0, Run("index", "import", "--vectors", Vectors, "--out", index, "--kind", "flat").ExitCode);

        Assert.Equal("my backup", File.ReadAllText(Path.Combine(_dir, "idx.old", "manifest.json")));
        Assert.Equal("my backup", File.ReadAllText(Path.Combine(_dir, "idx.saving", "manifest.json")));
    }

    [Theory]
    [InlineData("/dev/full")]
    [InlineData("/dev/null")]
    public void IndexSearch_OutIsADevice_ExitTwoAndTheDeviceStaysADevice(string device)
    {
        // Before, as root: --out /dev/full turned the device node into a regular file.
        var index = Path.Combine(_dir, "idx");
        Assert.Equal(0, Run("index", "import", "--vectors", Vectors, "--out", index, "--kind", "flat").ExitCode);

        var r = Run("index", "search", "--index", index, "--queries", Queries, "-k", "3", "--out", device);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is a character device; refusing to replace it", r.Stderr);
        Assert.Equal(FileKind.CharacterDevice, FileStatus.Of(device).Kind);
    }

    [Fact]
    public void IndexSearch_OutIsAFifo_ExitTwoAtOnce()
    {
        var index = Path.Combine(_dir, "idx");
        Assert.Equal(0, Run("index", "import", "--vectors", Vectors, "--out", index, "--kind", "flat").ExitCode);
        var fifo = Path.Combine(_dir, "ids.npy");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
        }

        var r = Run("index", "search", "--index", index, "--queries", Queries, "-k", "3", "--out", fifo);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal(FileKind.Fifo, FileStatus.Of(fifo).Kind);
    }

    [Fact]
    public void IndexSearch_OutIsALinkToAnEarlierResult_WritesThroughAndKeepsTheLink()
    {
        var index = Path.Combine(_dir, "idx");
        Assert.Equal(0, Run("index", "import", "--vectors", Vectors, "--out", index, "--kind", "flat").ExitCode);
        var real = Path.Combine(_dir, "results", "ids.npy");
        Directory.CreateDirectory(Path.GetDirectoryName(real)!);
        NpyFile.Write(real, new long[] { 1 }, [1]);
        var link = Path.Combine(_dir, "ids.npy");
        File.CreateSymbolicLink(link, real);

        Assert.Equal(0, Run("index", "search", "--index", index, "--queries", Queries, "-k", "3", "--out", link).ExitCode);

        Assert.Equal(FileKind.SymbolicLink, FileStatus.Of(link, followLinks: false).Kind);
        Assert.Equal([3L, 3], NpyFile.ReadInt64(real).Shape);
    }

    [Fact]
    public void IndexSearch_OutIsAnExistingFileOfAnotherKind_ExitTwoAndIntact()
    {
        var index = Path.Combine(_dir, "idx");
        Assert.Equal(0, Run("index", "import", "--vectors", Vectors, "--out", index, "--kind", "flat").ExitCode);
        var photo = Path.Combine(_dir, "photo.jpg");
        File.Copy(Image("fruits.jpg"), photo);

        var r = Run("index", "search", "--index", index, "--queries", Queries, "-k", "3", "--out", photo);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--out exists and is not a .npy file; refusing to replace it", r.Stderr);
        Assert.Equal(File.ReadAllBytes(Image("fruits.jpg")), File.ReadAllBytes(photo));
    }

    [Fact]
    public void IndexSearch_OutIsTheQueriesFile_ExitTwo()
    {
        var index = Path.Combine(_dir, "idx");
        Assert.Equal(0, Run("index", "import", "--vectors", Vectors, "--out", index, "--kind", "flat").ExitCode);
        var before = File.ReadAllBytes(Queries);

        var r = Run("index", "search", "--index", index, "--queries", Queries, "-k", "3", "--out", Queries);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--out is the same path as --queries", r.Stderr);
        Assert.Equal(before, File.ReadAllBytes(Queries));
    }

    [Fact]
    public void Demo_OutIsAUsersFolder_ExitTwoBeforeWritingAnything()
    {
        var mine = UserFolder();

        var r = Run("demo", "--out", mine, "--data", Path.Combine(_dir, "no-data"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is a folder this library did not write", r.Stderr);
        Assert.Equal(["notes.txt", "sub"], Entries(mine));
    }

    [Fact]
    public void IndexImport_AnotherWriterHoldsTheIndex_ExitOneNamingTheHolder()
    {
        var index = Path.Combine(_dir, "idx");
        // An open-file-description lock on its own handle is exactly what another process's lock looks like.
        using var other = LibC.Open(FolderLock.LockFilePath(index), LibC.ORdWr | LibC.OCreat | LibC.OCloExec, 0x1B6, out _)!;
        Assert.Equal(0, LibC.TryLock(other, LibC.FWrLck, 0));
        RandomAccess.Write(other, "pid 4242 (mm index build --out idx) since 2026-12-03T10:00:00Z\n"u8.ToArray(), 0);

        var r = Run("index", "import", "--vectors", Vectors, "--out", index, "--kind", "flat");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"{index}: is being written by pid 4242 (mm index build --out idx)", r.Stderr);
        Assert.False(Directory.Exists(index));
    }

    [Fact]
    public void IndexSearch_WhileAnotherProcessWritesTheIndexForLong_ReadsTheSavedIndex()
    {
        var index = Path.Combine(_dir, "idx");
        Assert.Equal(0, Run("index", "import", "--vectors", Vectors, "--out", index, "--kind", "flat").ExitCode);
        using var writer = LibC.Open(FolderLock.LockFilePath(index), LibC.ORdWr | LibC.OCloExec, 0, out _)!;
        Assert.Equal(0, LibC.TryLock(writer, LibC.FWrLck, 0)); // a long build holds the writer lock, not the swap lock

        var r = Run("index", "search", "--index", index, "--queries", Queries, "-k", "3", "--out", Path.Combine(_dir, "ids.npy"));

        Assert.Equal(0, r.ExitCode);
    }
}
