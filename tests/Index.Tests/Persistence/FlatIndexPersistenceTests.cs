using MultiModal.Index.Flat;
using MultiModal.Index.Persistence;
using MultiModal.Index.Tests.Flat;

namespace MultiModal.Index.Tests.Persistence;

[Collection("IndexFiles.FaultInjection")]
public sealed class FlatIndexPersistenceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("flat-persist-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static FlatIndex Build(Metric metric, FlatStorage storage, int rows, int dims, int seed)
    {
        var index = FlatIndex.Create(dims, metric, new FlatIndexOptions { Storage = storage, Threads = 1 });
        index.Add(BruteForce.Random(rows, dims, seed), Enumerable.Range(0, rows).Select(i => 5L * i - 7).ToArray());
        return index;
    }

    [Theory]
    [InlineData(Metric.InnerProduct, FlatStorage.Float32, true)]
    [InlineData(Metric.Cosine, FlatStorage.Float16, true)]
    [InlineData(Metric.L2, FlatStorage.Float32, false)]
    public void SaveLoad_RoundTrip_SameSearchResultsAndMetadata(Metric metric, FlatStorage storage, bool map)
    {
        using var index = Build(metric, storage, rows: 300, dims: 12, seed: 21);
        index.SetMetadata(-7, "first \"quoted\"\nline");
        index.SetMetadata(8, "ünïcode");
        var dir = Path.Combine(_root, "idx");
        var queries = BruteForce.Random(5, 12, seed: 22);

        index.Save(dir);
        using var loaded = FlatIndex.Load(dir, new LoadOptions { MemoryMap = map });

        Assert.Equal(map, loaded.IsMemoryMapped);
        Assert.Equal((metric, 12, 300L, storage), (loaded.Metric, loaded.Dimensions, loaded.Count, loaded.Options.Storage));
        var expected = index.Search(queries, 7);
        var actual = loaded.Search(queries, 7);
        Assert.Equal(expected.Keys, actual.Keys);
        // sgemm picks kernels by pointer alignment (mapped vs native rows), so the last bit may differ.
        Assert.All(expected.Scores.Zip(actual.Scores), p => Assert.Equal(p.First, p.Second, 1e-5f));
        Assert.True(loaded.TryGetMetadata(-7, out var first));
        Assert.Equal("first \"quoted\"\nline", first);
        Assert.True(loaded.TryGetMetadata(8, out var second));
        Assert.Equal("ünïcode", second);
        Assert.True(File.Exists(Path.Combine(dir, storage == FlatStorage.Float16 ? "vectors.f16" : "vectors.f32")));
    }

    [Fact]
    public void Load_MappedThenMutated_CopiesOnWriteAndLeavesFileUntouched()
    {
        using var index = Build(Metric.L2, FlatStorage.Float32, rows: 50, dims: 4, seed: 23);
        var dir = Path.Combine(_root, "idx");
        index.Save(dir);
        var before = File.ReadAllBytes(Path.Combine(dir, "vectors.f32"));
        using var loaded = FlatIndex.Load(dir);

        loaded.Remove([-7]);
        loaded.Add([9, 9, 9, 9], [1000]);

        Assert.False(loaded.IsMemoryMapped);
        Assert.Equal(50, loaded.Count);
        Assert.Equal(1000, loaded.Search([9, 9, 9, 9], 1).Keys[0]);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(dir, "vectors.f32")));
    }

    [Fact]
    public void Load_CorruptedVectorByte_ThrowsNamingFile()
    {
        using var index = Build(Metric.InnerProduct, FlatStorage.Float32, rows: 20, dims: 4, seed: 24);
        var dir = Path.Combine(_root, "idx");
        index.Save(dir);
        var path = Path.Combine(dir, "vectors.f32");
        var bytes = File.ReadAllBytes(path);
        bytes[17] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<IndexFormatException>(() => FlatIndex.Load(dir));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("SHA-256", error.Message);
        using var unchecked_ = FlatIndex.Load(dir, new LoadOptions { VerifyChecksums = false }); // size still right
        Assert.Equal(20, unchecked_.Count);
    }

    [Fact]
    public void Load_TruncatedKeys_ThrowsNamingFileEvenWithoutChecksums()
    {
        using var index = Build(Metric.InnerProduct, FlatStorage.Float32, rows: 20, dims: 4, seed: 25);
        var dir = Path.Combine(_root, "idx");
        index.Save(dir);
        var path = Path.Combine(dir, "keys.i64");
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length - 3);
        }

        var error = Assert.Throws<IndexFormatException>(() => FlatIndex.Load(dir, new LoadOptions { VerifyChecksums = false }));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Load_MissingOrBadManifest_ThrowsNamingManifest()
    {
        using var index = Build(Metric.InnerProduct, FlatStorage.Float32, rows: 3, dims: 2, seed: 26);
        var dir = Path.Combine(_root, "idx");
        index.Save(dir);
        var manifest = Path.Combine(dir, "manifest.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"format_version\": 1", "\"format_version\": 9"));

        Assert.Equal(manifest, Assert.Throws<IndexFormatException>(() => FlatIndex.Load(dir)).FilePath);
        File.Delete(manifest);
        Assert.Equal(manifest, Assert.Throws<IndexFormatException>(() => FlatIndex.Load(dir)).FilePath);
        Assert.Throws<IndexFormatException>(() => FlatIndex.Load(Path.Combine(_root, "nothing")));
    }

    [Theory]
    [InlineData("files-written", 10)]   // data files written, manifest not yet
    [InlineData("staged", 10)]          // new folder complete and fsynced, not yet swapped in
    [InlineData("swapped", 30)]         // new folder in place, old one not yet deleted
    public void Save_CrashMidway_LeavesOldOrNewIndexAndTheNextSaveCleansUp(string step, int expectedCount)
    {
        using var oldIndex = Build(Metric.InnerProduct, FlatStorage.Float32, rows: 10, dims: 4, seed: 27);
        using var newIndex = Build(Metric.InnerProduct, FlatStorage.Float32, rows: 30, dims: 4, seed: 28);
        var dir = Path.Combine(_root, "idx");
        oldIndex.Save(dir);
        using (CrashAt(step))
        {
            Assert.Throws<IOException>(() => newIndex.Save(dir));
        }

        using (var loaded = FlatIndex.Load(dir))
        {
            Assert.Equal(expectedCount, loaded.Count);
        }
        newIndex.Save(dir);
        Assert.Equal(["idx", "idx.lock"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName).Order());
    }

    /// <summary>Makes the named save step throw, as a crash there would stop the save; the hook of either layer.</summary>
    internal static IDisposable CrashAt(string step)
    {
        Action<string> hook = s =>
        {
            if (s == step)
            {
                throw new IOException("simulated crash at " + s);
            }
        };
        IndexFiles.FaultInjection = hook;
        MultiModal.Encoders.IO.AtomicFolder.FaultInjection = hook;
        return new Restore();
    }

    private sealed class Restore : IDisposable
    {
        public void Dispose()
        {
            IndexFiles.FaultInjection = null;
            MultiModal.Encoders.IO.AtomicFolder.FaultInjection = null;
        }
    }

    [Fact]
    public void Save_OverExisting_ReplacesIt()
    {
        var dir = Path.Combine(_root, "idx");
        using (var first = Build(Metric.L2, FlatStorage.Float32, rows: 10, dims: 4, seed: 29))
        {
            first.Save(dir);
        }
        using var second = Build(Metric.L2, FlatStorage.Float32, rows: 4, dims: 4, seed: 30);

        second.Save(dir);

        using var loaded = FlatIndex.Load(dir);
        Assert.Equal(4, loaded.Count);
        Assert.Equal(["idx", "idx.lock"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Load_64MegabyteIndex_MapsInsteadOfCopying()
    {
        const int dims = 512, rows = 32768; // 64 MiB of float32
        var dir = Path.Combine(_root, "big");
        using (var index = FlatIndex.Create(dims, Metric.InnerProduct, new FlatIndexOptions { InitialCapacity = rows }))
        {
            var chunk = BruteForce.Random(1024, dims, seed: 31);
            for (int c = 0; c < rows / 1024; c++)
            {
                index.Add(chunk, Enumerable.Range(c * 1024, 1024).Select(i => (long)i).ToArray());
            }
            index.Save(dir);
        }
        long fileBytes = new FileInfo(Path.Combine(dir, "vectors.f32")).Length;

        long before = GC.GetTotalAllocatedBytes(precise: true);
        using var loaded = FlatIndex.Load(dir, new LoadOptions { VerifyChecksums = false });
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(64L << 20, fileBytes);
        Assert.True(allocated < fileBytes / 16, $"Load allocated {allocated} managed bytes for a {fileBytes}-byte file.");
        Assert.True(loaded.IsMemoryMapped);
        Assert.Equal(rows, loaded.Count);
    }

    [Fact]
    public void Save_MappedIndexOverItsOwnDirectory_KeepsServingAndReloads()
    {
        var dir = Path.Combine(_root, "idx");
        using (var index = Build(Metric.InnerProduct, FlatStorage.Float32, rows: 40, dims: 4, seed: 32))
        {
            index.Save(dir);
        }
        using var loaded = FlatIndex.Load(dir);
        var query = BruteForce.Random(1, 4, seed: 33);
        var before = loaded.Search(query, 3);

        loaded.Save(dir); // the mapped file is renamed aside and deleted while mapped (POSIX keeps the pages)

        Assert.Equal(before.Keys, loaded.Search(query, 3).Keys);
        using var reloaded = FlatIndex.Load(dir);
        Assert.Equal(before.Keys, reloaded.Search(query, 3).Keys);
    }
}
