using System.Text.Json.Nodes;
using MultiModal.Index.Hnsw;

namespace MultiModal.Index.Tests.Hnsw;

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

        using var second = HnswIndex.Create(D, Metric.L2);
        second.Add(_data, HnswTestData.Keys(400));
        second.Save(dir);

        using var loaded = HnswIndex.Load(dir);
        Assert.Equal(400, loaded.Count);
        Assert.Equal(["index"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")))!;
        Assert.Equal(("multimodal-index", 1, "hnsw", "l2"), ((string)manifest["format"]!, (int)manifest["format_version"]!, (string)manifest["kind"]!, (string)manifest["metric"]!));
    }

    [Fact]
    public void Load_GraphByteFlipped_ThrowsNamingGraphFile()
    {
        var dir = SavedIndex();
        var graph = Path.Combine(dir, "graph.usearch");
        var bytes = File.ReadAllBytes(graph);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(graph, bytes);

        var e = Assert.Throws<HnswIndexFormatException>(() => HnswIndex.Load(dir));

        Assert.Equal(graph, e.FileName);
        Assert.Contains("SHA-256", e.Message);
    }

    [Fact]
    public void Load_GraphTruncated_ThrowsNamingGraphFile()
    {
        var dir = SavedIndex();
        var graph = Path.Combine(dir, "graph.usearch");
        using (var stream = new FileStream(graph, FileMode.Open))
        {
            stream.SetLength(stream.Length - 100);
        }

        var e = Assert.Throws<HnswIndexFormatException>(() => HnswIndex.Load(dir));

        Assert.Contains("graph.usearch", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData("not json at all", "not a valid HNSW manifest")]
    [InlineData("""{"format": "multimodal-index", "format_version": 2, "kind": "hnsw"}""", "version")]
    [InlineData("""{"format": "multimodal-index", "format_version": 1, "kind": "flat"}""", "kind")]
    public void Load_BadManifest_ThrowsNamingManifest(string text, string problem)
    {
        var dir = SavedIndex();
        File.WriteAllText(Path.Combine(dir, "manifest.json"), text);

        var e = Assert.Throws<HnswIndexFormatException>(() => HnswIndex.Load(dir));

        Assert.EndsWith("manifest.json", e.FileName);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Load_ManifestCountDisagrees_ThrowsNamingGraphFile()
    {
        var dir = SavedIndex();
        var path = Path.Combine(dir, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        manifest["count"] = 5;
        File.WriteAllText(path, manifest.ToJsonString());

        var e = Assert.Throws<HnswIndexFormatException>(() => HnswIndex.Load(dir));

        Assert.EndsWith("graph.usearch", e.FileName);
        Assert.Contains("manifest.json says 5", e.Message);
    }

    [Fact]
    public void Load_MissingFiles_Throw()
    {
        var dir = SavedIndex();
        File.Delete(Path.Combine(dir, "graph.usearch"));

        Assert.Contains("missing", Assert.Throws<HnswIndexFormatException>(() => HnswIndex.Load(dir)).Message);
        File.Delete(Path.Combine(dir, "manifest.json"));
        Assert.Contains("manifest.json", Assert.Throws<HnswIndexFormatException>(() => HnswIndex.Load(dir)).Message);
        Assert.Throws<DirectoryNotFoundException>(() => HnswIndex.Load(Path.Combine(_root, "nowhere")));
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
