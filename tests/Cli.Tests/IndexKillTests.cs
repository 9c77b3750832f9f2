using MultiModal.Encoders.IO;
using MultiModal.Index;
using MultiModal.Index.Flat;
using MultiModal.Index.Persistence;

namespace MultiModal.Cli.Tests;

/// <summary>
/// Real processes killed with SIGKILL mid-save, and searches racing saves of the same index: the index on disk is
/// always the old one or the new one, complete and checksummed, and no writer's work is lost or misreported.
/// </summary>
public sealed class IndexKillTests : CliTestBase, IDisposable
{
    private const int Dims = 64;
    private const int BigRows = 20_000;   // 5 MB of vectors: saving takes long enough to be killed inside
    private const int SmallRows = 5_000;

    private readonly string _dir = Directory.CreateTempSubdirectory("mm-kill-").FullName;

    public IndexKillTests()
    {
        NpyFile.Write(Big, Enumerable.Range(0, BigRows * Dims).Select(i => (float)Math.Sin(i * 0.37)).ToArray(), [BigRows, Dims]);
        NpyFile.Write(Small, Enumerable.Range(0, SmallRows * Dims).Select(i => (float)Math.Cos(i * 0.11)).ToArray(), [SmallRows, Dims]);
        NpyFile.Write(Queries, Enumerable.Range(0, 4 * Dims).Select(i => (float)Math.Sin(i)).ToArray(), [4, Dims]);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Big => Path.Combine(_dir, "big.npy");

    private string Small => Path.Combine(_dir, "small.npy");

    private string Queries => Path.Combine(_dir, "q.npy");

    private string Index => Path.Combine(_dir, "idx");

    [Fact]
    public void IndexImport_KilledAtRandomMoments_IndexIsAlwaysOldOrNewAndComplete()
    {
        var random = new Random(10);
        Assert.Equal(0, RunProcess(null, "index", "import", "--vectors", Small, "--out", Index, "--kind", "flat").Code);
        var seen = new HashSet<long>();
        for (int round = 0; round < 12; round++)
        {
            using var process = StartProcess(null, "index", "import", "--vectors", round % 2 == 0 ? Big : Small, "--out", Index, "--kind", "flat");
            Thread.Sleep(random.Next(100, 900));
            process.Kill(); // SIGKILL
            process.WaitForExit();

            using var loaded = FlatIndex.Load(Index, new LoadOptions { VerifyChecksums = true });
            Assert.Contains(loaded.Count, new long[] { BigRows, SmallRows });
            seen.Add(loaded.Count);
        }
        Assert.Equal(0, RunProcess(null, "index", "import", "--vectors", Big, "--out", Index, "--kind", "flat").Code);

        // The next completed save removed whatever the killed ones left (staging folders of dead writers).
        Assert.Equal(["big.npy", "idx", "idx.lock", "q.npy", "small.npy"],
            Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var final = FlatIndex.Load(Index);
        Assert.Equal(BigRows, final.Count);
    }

    [Fact]
    public async Task Search_WhileAnotherProcessSavesTheSameIndex_NoSaveLostOrMisreportedNoSearchFails()
    {
        // Before: a search starting mid-save "recovered" the index by deleting the writer's staging folder.
        Assert.Equal(0, RunProcess(null, "index", "import", "--vectors", Small, "--out", Index, "--kind", "flat").Code);
        using var stop = new CancellationTokenSource();
        int searches = 0;
        var searcher = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var ids = Path.Combine(_dir, $"ids-{searches % 2}.npy");
                var r = Run("index", "search", "--index", Index, "--queries", Queries, "-k", "5", "--out", ids);
                Assert.True(r.ExitCode == 0, r.Stderr);
                var (keys, _) = NpyFile.ReadInt64(ids);
                Assert.All(keys, k => Assert.InRange(k, 0L, BigRows - 1));
                searches++;
            }
        });
        var imports = new List<(int Code, string Stderr, int Rows)>();
        for (int i = 0; i < 8; i++)
        {
            int rows = i % 2 == 0 ? BigRows : SmallRows;
            var (code, _, stderr) = RunProcess(null, "index", "import", "--vectors", rows == BigRows ? Big : Small, "--out", Index, "--kind", "flat");
            imports.Add((code, stderr, rows));
            using var loaded = FlatIndex.Load(Index);
            Assert.Equal(rows, loaded.Count); // what the writer reported is what is on disk
        }
        stop.Cancel();
        await searcher;

        Assert.All(imports, r => Assert.True(r.Code == 0, r.Stderr));
        Assert.True(searches > 0);
        Assert.DoesNotContain(Directory.GetFileSystemEntries(_dir), e => e.Contains(".mm-", StringComparison.Ordinal));
    }
}
