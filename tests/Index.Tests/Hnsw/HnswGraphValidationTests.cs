using MultiModal.Index.Hnsw;
using MultiModal.Index.Persistence;

namespace MultiModal.Index.Tests.Hnsw;

/// <summary>
/// Crafted <c>graph.usearch</c> files with a re-signed manifest (sizes and SHA-256 match, so only the structural check
/// stands between them and USearch, which crashed the process on most of them): each must be refused with an
/// <see cref="IndexFormatException"/> naming the graph and the problem.
/// </summary>
// Saves through IndexFiles, whose FaultInjection hook other persistence tests set, so never runs beside them.
[Collection("IndexFiles.FaultInjection")]
public sealed class HnswGraphValidationTests : IDisposable
{
    private const int D = 8;
    private const int N = 300;
    private readonly string _root = Directory.CreateTempSubdirectory("hnsw-graph-").FullName;
    private readonly float[] _data = HnswTestData.Clustered(N, D, seed: 11);
    private readonly float[] _queries = HnswTestData.Clustered(8, D, seed: 12);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // name → (corruption, expected part of the message). Nodes are picked from the saved graph, not hard-coded, so the
    // cases hold whatever levels USearch drew.
    private static readonly Dictionary<string, (Func<GraphBytes, byte[]> Corrupt, string Problem)> Corruptions = new()
    {
        ["magic"] = (g => Set(g, x => x.Bytes[x.HeadAt] = (byte)'U'), "magic"),
        ["major version"] = (g => Set(g, x => x.Bytes[x.HeadAt + 7] = 3), "format 3.26"),
        ["metric kind"] = (g => Set(g, x => x.Bytes[x.HeadAt + 13] = (byte)'e'), "metric kind is 101, expected 105"),
        ["scalar kind"] = (g => Set(g, x => x.Bytes[x.HeadAt + 14] = 12), "scalar kind is 12, expected 11 (float32)"),
        ["key kind"] = (g => Set(g, x => x.Bytes[x.HeadAt + 15] = 15), "key kind"),
        ["slot kind"] = (g => Set(g, x => x.Bytes[x.HeadAt + 16] = 14), "slot kind"),
        ["multi"] = (g => Set(g, x => x.Bytes[x.HeadAt + 41] = 1), "multi-vector"),
        ["matrix rows huge"] = (g => Set(g, x => x.SetU32(0, uint.MaxValue)), "do not fit in the file's"),
        ["matrix row bytes"] = (g => Set(g, x => { x.SetU32(0, (uint)(x.Rows * x.RowBytes / 16)); x.SetU32(4, 16); }), "16-byte rows, but 8 float32 values take 32"),
        ["dense head dimensions"] = (g => Set(g, x => x.SetU64(x.HeadAt + 33, 9)), "9-wide vectors, but manifest.json says 8"),
        ["present count"] = (g => Set(g, x => x.SetU64(x.HeadAt + 17, x.U64(x.HeadAt + 17) + 1)), "but manifest.json says"),
        ["removed count"] = (g => Set(g, x => x.SetU64(x.HeadAt + 25, x.U64(x.HeadAt + 25) + 1)), "removed vectors, but the vector matrix has"),
        ["graph size"] = (g => Set(g, x => x.SetU64(x.GraphHeaderAt, (ulong)x.Size + 1)), "graph header says 301 nodes"),
        ["connectivity"] = (g => Set(g, x => x.SetU64(x.GraphHeaderAt + 8, 1 << 30)), "connectivity is 1073741824, but manifest.json says M = 4"),
        ["base connectivity"] = (g => Set(g, x => x.SetU64(x.GraphHeaderAt + 16, 4)), "base-level connectivity is 4, expected 2 × M = 8"),
        ["top level huge"] = (g => Set(g, x => x.SetU64(x.GraphHeaderAt + 24, 1UL << 40)), "top level 1099511627776 is outside"),
        ["entry slot outside"] = (g => Set(g, x => x.SetU64(x.GraphHeaderAt + 32, (ulong)x.Size)), "entry slot 300 is outside the 300 nodes"),
        ["entry below top level"] = (g => Set(g, x => x.SetU64(x.GraphHeaderAt + 32, (ulong)FirstNode(x, n => x.Level(n) == 0))), "searches start at the top level"),
        ["level negative"] = (g => Set(g, x => x.SetI16(x.LevelsAt + (2 * 5), -1)), "node 5: level -1 is negative"),
        ["level above top"] = (g => Set(g, x => x.SetI16(x.LevelsAt + (2 * 5), (short)(x.MaxLevel + 1))), "is above the graph's top level"),
        ["level array disagrees with record"] = (g => Set(g, x => x.SetI16(x.NodeAt(7) + 8, (short)(x.Level(7) + 1))), "node 7: its record says level"),
        ["byte appended"] = (g => [.. g.Bytes, 0], "but its 300 nodes and their levels take exactly"),
        ["byte removed"] = (g => g.Bytes[..^1], "but its 300 nodes and their levels take exactly"),
        ["neighbour count above capacity"] = (g => Set(g, x => x.SetU32(x.ListAt(3, 0), 9)), "node 3 level 0: 9 neighbours, more than the 8 this level holds"),
        ["neighbour outside"] = (g => Set(g, x => x.SetU32(x.ListAt(17, 0) + 4, 1_234_567)), "node 17 level 0: neighbour 1234567 is outside the 300 nodes"),
        ["self-loop"] = (g => Set(g, x => x.SetU32(x.ListAt(17, 0) + 4, 17)), "node 17 level 0: the node links to itself"),
        ["duplicate link"] = (g => Set(g, x => x.SetU32(x.ListAt(17, 0) + 8, x.Neighbour(17, 0, 0))), "node 17 level 0: neighbour"),
        ["link to missing level"] = (g => Set(g, LinkUpperLevelToBaseNode), "has no level 1 (its top level is 0)"),
        ["duplicate key"] = (g => Set(g, x => x.SetU64(x.NodeAt(21), x.Key(20))), "node 21: key"),
        ["live key made free"] = (g => Set(g, x => x.SetU64(x.NodeAt(21), ulong.MaxValue)), "nodes carry the free key of removed vectors, but the header counts"),
        ["vector NaN"] = (g => Set(g, x => x.SetU32(8 + (4 * x.RowBytes) + 8, BitConverter.SingleToUInt32Bits(float.NaN))), "node 4: its vector holds NaN at dimension 2"),
    };

    public static TheoryData<string> CorruptionNames() => new(Corruptions.Keys);

    [Fact]
    public void Load_GraphWithRemovalsAndUpserts_PassesValidationAndSearchesAsSaved()
    {
        var dir = SavedIndex();

        using var loaded = HnswIndex.Load(dir);

        var graph = GraphBytes.Read(dir);
        Assert.Equal((290L, 300, 4, 8), (loaded.Count, graph.Size, graph.Connectivity, graph.ConnectivityBase));
        Assert.True(graph.MaxLevel >= 1, "M = 4 over 300 nodes should draw upper levels");
        Assert.All(loaded.Search(_queries, 5).Keys, key => Assert.True(loaded.Contains(key)));
    }

    [Theory]
    [MemberData(nameof(CorruptionNames))]
    public void Load_CraftedGraphWithResignedManifest_ThrowsNamingGraphAndProblem(string corruption)
    {
        var dir = SavedIndex();
        var (corrupt, problem) = Corruptions[corruption];
        GraphBytes.WriteSigned(dir, corrupt(GraphBytes.Read(dir)));

        var e = Assert.Throws<IndexFormatException>(() => HnswIndex.Load(dir));

        Assert.Equal(Path.Combine(dir, "graph.usearch"), e.FilePath);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Load_SeededRandomMutationsOfGraph_LoadCleanlyOrThrowIndexFormatException()
    {
        // 200 files, each with 1-3 flips, random bytes, random 32-bit values (small ones look like slots and counts),
        // insertions or deletions in the header and graph region, manifest re-signed. Before the structural check,
        // about half of such files segfaulted the process and one hung a search.
        var dir = SavedIndex();
        var original = GraphBytes.Read(dir);
        var random = new Random(2026);
        int clean = 0, refused = 0;
        for (var c = 0; c < 200; c++)
        {
            var bytes = Mutate(original, random);
            GraphBytes.WriteSigned(dir, bytes);
            HnswIndex loaded;
            try
            {
                loaded = HnswIndex.Load(dir);
            }
            catch (IndexFormatException e)
            {
                Assert.Equal(Path.Combine(dir, "graph.usearch"), e.FilePath);
                refused++;
                continue;
            }

            using (loaded)
            {
                // A clean load (e.g. a flip in an unused neighbour slot or in a vector) must search and grow safely.
                Assert.All(loaded.Search(_queries, 10).Keys, key => Assert.True(key == -1 || loaded.Contains(key), $"case {c}: key {key}"));
                loaded.Add(_queries.AsSpan(0, D), [123_456_789L]);
                Assert.True(loaded.Contains(123_456_789L));
                clean++;
            }
        }

        Assert.Equal(200, clean + refused);
        Assert.InRange(refused, 100, 200); // most mutations break the structure; the rest land in slack or vectors
    }

    private static byte[] Mutate(GraphBytes graph, Random random)
    {
        var bytes = new List<byte>(graph.Bytes);
        for (int m = 0, count = random.Next(1, 4); m < count; m++)
        {
            var at = random.Next(graph.HeadAt, bytes.Count - 4);
            switch (random.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2:
                case 3:
                    var value = BitConverter.GetBytes(random.Next(2) == 0 ? random.Next(0, 2 * graph.Size) : random.Next());
                    for (var j = 0; j < 4; j++)
                    {
                        bytes[at + j] = value[j];
                    }

                    break;
                case 4: bytes.Insert(at, (byte)random.Next(256)); break;
                default: bytes.RemoveAt(at); break;
            }
        }

        return [.. bytes];
    }

    private static byte[] Set(GraphBytes graph, Action<GraphBytes> change)
    {
        change(graph);
        return graph.Bytes;
    }

    private static int FirstNode(GraphBytes graph, Func<int, bool> predicate) =>
        Enumerable.Range(0, graph.Size).First(predicate);

    // Points a level-1 link at a node that only has level 0: USearch would read that node's missing level-1 list.
    private static void LinkUpperLevelToBaseNode(GraphBytes graph)
    {
        var node = FirstNode(graph, n => graph.Level(n) >= 1 && graph.Count(n, 1) > 0);
        var baseOnly = FirstNode(graph, n => graph.Level(n) == 0 && n != node);
        graph.SetU32(graph.ListAt(node, 1) + 4, (uint)baseOnly);
    }

    private string SavedIndex()
    {
        var dir = Path.Combine(_root, "index");
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        using var index = HnswIndex.Create(D, Metric.Cosine, new HnswOptions { M = 4, EfConstruction = 32 });
        var keys = HnswTestData.Keys(N);
        index.Add(_data, keys);
        index.Remove(keys.AsSpan(0, 10));                                  // 10 nodes keep the free key...
        index.Upsert(_data.AsSpan(100 * D, 20 * D), keys.AsSpan(100, 20)); // ...and upserts reuse their slots
        index.Save(dir);
        return dir;
    }
}
