using System.Text.Json.Nodes;
using MultiModal.Index.Hnsw;
using MultiModal.Index.Persistence;

namespace MultiModal.Index.Tests.Hnsw;

// Shares IndexFiles.FaultInjection (a static hook) with the flat persistence tests, so never runs beside them.
[Collection("IndexFiles.FaultInjection")]
public sealed class HnswPersistenceTests : IDisposable
{
    private const int D = 16;
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"hnsw-tests-{Guid.NewGuid():N}");
    private readonly float[] _data = HnswTestData.Clustered(400, D, seed: 7);
    private readonly float[] _queries = HnswTestData.Clustered(20, D, seed: 8);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [InlineData(Metric.L2)]
    [InlineData(Metric.InnerProduct)]
    [InlineData(Metric.Cosine)]
    public void Load_AfterSave_SameSettingsAndSearchResults(Metric metric)
    {
        using var index = HnswIndex.Create(D, metric, new HnswOptions { M = 8, EfConstruction = 40, EfSearch = 50 });
        index.Add(_data, HnswTestData.Keys(400));
        index.Remove([HnswTestData.Keys(400)[3]]);
        index.EfSearch = 70;
        var dir = Path.Combine(_root, "index");
        index.Save(dir);

        using var loaded = HnswIndex.Load(dir);

        Assert.Equal((D, metric, 399L, 8, 40, 70), (loaded.Dimensions, loaded.Metric, loaded.Count, loaded.Options.M, loaded.Options.EfConstruction, loaded.EfSearch));
        var before = index.Search(_queries, 5);
        var after = loaded.Search(_queries, 5);
        Assert.Equal(before.Keys, after.Keys);
        Assert.Equal(before.Scores, after.Scores);
        loaded.Add(_data.AsSpan(0, D), [123L]);
        Assert.True(loaded.Contains(123L));
    }

    [Fact]
    public void Save_OverExistingIndex_ReplacesItAndLeavesNoTempDirectories()
    {
        var dir = Path.Combine(_root, "index");
        using (var first = HnswIndex.Create(D, Metric.L2))
        {
            first.Add(_data.AsSpan(0, 10 * D), HnswTestData.Keys(10));
            first.Save(dir);
        }

        using var second = HnswIndex.Create(D, Metric.InnerProduct, new HnswOptions { M = 12, EfConstruction = 30, EfSearch = 20 });
        second.Add(_data, HnswTestData.Keys(400));
        second.Save(dir);

        using var loaded = HnswIndex.Load(dir, new LoadOptions(), threads: 2);
        Assert.Equal((400L, Metric.InnerProduct, 2), (loaded.Count, loaded.Metric, loaded.Options.Threads));
        Assert.Equal(["index", "index.lock"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName).Order());
        // The shared manifest layout, with the flat index's metric names and the HNSW build settings.
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")))!;
        Assert.Equal(("multimodal-index", 1, "hnsw", "InnerProduct", "float32"),
            ((string)manifest["format"]!, (int)manifest["format_version"]!, (string)manifest["kind"]!, (string)manifest["metric"]!, (string)manifest["dtype"]!));
        Assert.Equal((12, 30, 20), ((int)manifest["M"]!, (int)manifest["ef_construction"]!, (int)manifest["ef_search"]!));
        Assert.Equal(["graph.usearch"], manifest["files"]!.AsObject().Select(p => p.Key));
    }

    [Theory]
    [InlineData("files-written", 10L)]
    [InlineData("staged", 10L)]
    [InlineData("swapped", 400L)]
    public void Save_CrashMidway_LeavesOldOrNewIndexAndTheNextSaveCleansUp(string step, long expectedCount)
    {
        var dir = Path.Combine(_root, "index");
        using var oldIndex = HnswIndex.Create(D, Metric.L2);
        oldIndex.Add(_data.AsSpan(0, 10 * D), HnswTestData.Keys(10));
        oldIndex.Save(dir);
        using var newIndex = HnswIndex.Create(D, Metric.L2);
        newIndex.Add(_data, HnswTestData.Keys(400));
        using (Persistence.FlatIndexPersistenceTests.CrashAt(step))
        {
            Assert.Throws<IOException>(() => newIndex.Save(dir));
        }

        // Before the swap the old index stays; after it, the new one is in place.
        using (var loaded = HnswIndex.Load(dir))
        {
            Assert.Equal(expectedCount, loaded.Count);
        }
        newIndex.Save(dir);
        Assert.Equal(["index", "index.lock"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Load_GraphByteFlipped_ThrowsNamingGraphFile()
    {
        var dir = SavedIndex();
        var graph = Path.Combine(dir, "graph.usearch");
        var bytes = File.ReadAllBytes(graph);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(graph, bytes);

        var e = Assert.Throws<IndexFormatException>(() => HnswIndex.Load(dir));

        Assert.Equal(graph, e.FilePath);
        Assert.Contains("SHA-256", e.Message);
    }

    [Fact]
    public void Load_GraphTruncated_ThrowsNamingGraphFileEvenWithoutChecksums()
    {
        var dir = SavedIndex();
        var graph = Path.Combine(dir, "graph.usearch");
        using (var stream = new FileStream(graph, FileMode.Open))
        {
            stream.SetLength(stream.Length - 100);
        }

        var e = Assert.Throws<IndexFormatException>(() => HnswIndex.Load(dir, new LoadOptions { VerifyChecksums = false }));

        Assert.Equal(graph, e.FilePath);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData("format_version", "2", "version")]
    [InlineData("kind", "\"flat\"", "kind")]
    [InlineData("metric", "\"l2\"", "metric")]
    [InlineData("M", "1", "M")]
    [InlineData("ef_search", "null", "ef_search")]
    public void Load_BadManifestField_ThrowsNamingManifest(string field, string json, string problem)
    {
        var dir = SavedIndex();
        var path = Path.Combine(dir, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        manifest[field] = JsonNode.Parse(json);
        File.WriteAllText(path, manifest.ToJsonString());

        var e = Assert.Throws<IndexFormatException>(() => HnswIndex.Load(dir));

        Assert.Equal(path, e.FilePath);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Load_ManifestNotJson_ThrowsNamingManifest()
    {
        var dir = SavedIndex();
        var path = Path.Combine(dir, "manifest.json");
        File.WriteAllText(path, "not json at all");

        var e = Assert.Throws<IndexFormatException>(() => HnswIndex.Load(dir));

        Assert.Equal(path, e.FilePath);
        Assert.Contains("not valid JSON", e.Message);
    }

    [Theory]
    [InlineData("count", 5, "manifest.json says 5")]
    [InlineData("dimensions", 8, "manifest.json says 8")]
    public void Load_ManifestDisagreesWithGraph_ThrowsNamingGraphFile(string field, int value, string problem)
    {
        var dir = SavedIndex();
        var path = Path.Combine(dir, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        manifest[field] = value;
        File.WriteAllText(path, manifest.ToJsonString());

        var e = Assert.Throws<IndexFormatException>(() => HnswIndex.Load(dir));

        Assert.Equal(Path.Combine(dir, "graph.usearch"), e.FilePath);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Load_MissingFiles_ThrowNamingThem()
    {
        var dir = SavedIndex();
        var graph = Path.Combine(dir, "graph.usearch");
        var manifest = Path.Combine(dir, "manifest.json");
        var nowhere = Path.Combine(_root, "nowhere");

        File.Delete(graph);
        var missingGraph = Assert.Throws<IndexFormatException>(() => HnswIndex.Load(dir));
        File.Delete(manifest);
        var missingManifest = Assert.Throws<IndexFormatException>(() => HnswIndex.Load(dir));
        var missingDirectory = Assert.Throws<IndexFormatException>(() => HnswIndex.Load(nowhere));

        Assert.Equal(graph, missingGraph.FilePath);
        Assert.Contains("missing", missingGraph.Message);
        Assert.Equal(manifest, missingManifest.FilePath);
        Assert.Equal(nowhere, missingDirectory.FilePath);
    }

    private string SavedIndex()
    {
        var dir = Path.Combine(_root, "index");
        using var index = HnswIndex.Create(D, Metric.Cosine);
        index.Add(_data, HnswTestData.Keys(400));
        index.Save(dir);
        return dir;
    }
}
