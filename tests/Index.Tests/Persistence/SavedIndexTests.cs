using MultiModal.Index.Flat;
using MultiModal.Index.Hnsw;
using MultiModal.Index.Persistence;

namespace MultiModal.Index.Tests.Persistence;

public sealed class SavedIndexTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-saved-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static float[] Rows(int n, int d, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n * d).Select(_ => (float)random.NextDouble() - 0.5f)];
    }

    [Fact]
    public void Load_EachKind_ReturnsThatKindWithSameResults()
    {
        var data = Rows(50, 8, 1);
        var keys = Enumerable.Range(100, 50).Select(i => (long)i).ToArray();
        var queries = Rows(3, 8, 2);
        using var flat = FlatIndex.Create(8, Metric.L2);
        using var hnsw = HnswIndex.Create(8, Metric.L2);
        flat.Add(data, keys);
        hnsw.Add(data, keys);
        flat.Save(Path.Combine(_dir, "f"));
        hnsw.Save(Path.Combine(_dir, "h"));

        using var loadedFlat = SavedIndex.Load(Path.Combine(_dir, "f"));
        using var loadedHnsw = SavedIndex.Load(Path.Combine(_dir, "h"));

        Assert.Equal("flat", SavedIndex.ReadKind(Path.Combine(_dir, "f")));
        Assert.Equal("hnsw", SavedIndex.ReadKind(Path.Combine(_dir, "h")));
        Assert.IsType<FlatIndex>(loadedFlat);
        Assert.IsType<HnswIndex>(loadedHnsw);
        Assert.Equal(flat.Search(queries, 5).Keys, loadedFlat.Search(queries, 5).Keys);
        Assert.Equal(hnsw.Search(queries, 5).Keys, loadedHnsw.Search(queries, 5).Keys);
    }

    [Fact]
    public void ReadKind_NotAnIndex_NamesTheManifest()
    {
        var e = Assert.Throws<IndexFormatException>(() => SavedIndex.ReadKind(_dir));

        Assert.EndsWith("manifest.json", e.FilePath);
    }

    [Fact]
    public void ReadKind_UnknownKind_Rejected()
    {
        using var flat = FlatIndex.Create(4, Metric.InnerProduct);
        flat.Add(new float[] { 1, 0, 0, 0 }, [7]);
        var path = Path.Combine(_dir, "x");
        flat.Save(path);
        var manifest = Path.Combine(path, "manifest.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"flat\"", "\"ivf\""));

        var e = Assert.Throws<IndexFormatException>(() => SavedIndex.ReadKind(path));

        Assert.Contains("ivf", e.Message);
    }
}
