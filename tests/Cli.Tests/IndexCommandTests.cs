using MultiModal.Encoders.IO;

namespace MultiModal.Cli.Tests;

/// <summary><c>mm index import</c> and <c>mm index search</c>: agreement with brute force, JSON shape and exit codes.</summary>
public sealed class IndexCommandTests : CliTestBase, IDisposable
{
    private const int Rows = 300;
    private const int Dims = 16;
    private const int QueryCount = 20;
    private const int K = 5;

    private readonly string _dir = Directory.CreateTempSubdirectory("mm-index-").FullName;
    private readonly float[] _vectors = Gaussian(Rows * Dims, seed: 1);
    private readonly float[] _queries = Gaussian(QueryCount * Dims, seed: 2);

    public IndexCommandTests()
    {
        NpyFile.Write(VectorsPath, _vectors, [Rows, Dims]);
        NpyFile.Write(QueriesPath, _queries, [QueryCount, Dims]);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string VectorsPath => Path.Combine(_dir, "vectors.npy");

    private string QueriesPath => Path.Combine(_dir, "queries.npy");

    private string IdsPath => Path.Combine(_dir, "ids.npy");

    private string IndexPath => Path.Combine(_dir, "index");

    [Theory]
    [InlineData("ip")]
    [InlineData("cosine")]
    [InlineData("l2")]
    public void ImportSearch_Flat_IdsEqualBruteForce(string metric)
    {
        var import = Run("index", "import", "--vectors", VectorsPath, "--out", IndexPath, "--kind", "flat", "--metric", metric);

        Assert.Equal(0, import.ExitCode);
        Assert.Equal(IndexPath, import.Json.GetProperty("index").GetString());
        Assert.Equal("flat", import.Json.GetProperty("kind").GetString());
        Assert.Equal(metric, import.Json.GetProperty("metric").GetString());
        Assert.Equal(Rows, import.Json.GetProperty("count").GetInt32());
        Assert.Equal(Dims, import.Json.GetProperty("dimensions").GetInt32());
        Assert.True(import.Json.GetProperty("seconds").GetDouble() >= 0);

        var search = Run("index", "search", "--index", IndexPath, "--queries", QueriesPath, "-k", $"{K}", "--out", IdsPath);

        Assert.Equal(0, search.ExitCode);
        var (ids, shape) = NpyFile.ReadInt64(IdsPath);
        Assert.Equal([QueryCount, K], shape);
        Assert.Equal(BruteForce(metric, K).SelectMany(r => r), ids);
        AssertSearchJson(search);
    }

    [Fact]
    public void Import_StreamedInSmallChunks_SameIndexAsOneChunk()
    {
        // 7 rows per chunk: 300 rows take 43 reads, the last one partial, as a 2 GB file takes 64 MB reads.
        var stdout = new StringWriter();
        var chunked = Path.Combine(_dir, "chunked");

        int code = MultiModal.Cli.Commands.IndexImportCommand.Run(
            ["--vectors", VectorsPath, "--out", chunked, "--kind", "flat"], stdout, CancellationToken.None, chunkFloats: 7 * Dims);
        Run("index", "import", "--vectors", VectorsPath, "--out", IndexPath, "--kind", "flat");

        Assert.Equal(0, code);
        using var a = MultiModal.Index.Flat.FlatIndex.Load(chunked);
        using var b = MultiModal.Index.Flat.FlatIndex.Load(IndexPath);
        Assert.Equal(Rows, a.Count);
        Assert.Equal(b.Search(_queries, K).Keys, a.Search(_queries, K).Keys);
        Assert.Equal(b.Search(_queries, K).Scores, a.Search(_queries, K).Scores);
    }

    [Fact]
    public void ImportSearch_Hnsw_RecallAtLeastNinetyPercent()
    {
        var import = Run("index", "import", "--vectors", VectorsPath, "--out", IndexPath, "--kind", "hnsw",
            "--m", "8", "--ef-construction", "64", "--threads", "2");
        Assert.Equal(0, import.ExitCode);
        Assert.Equal("hnsw", import.Json.GetProperty("kind").GetString());
        Assert.Equal("ip", import.Json.GetProperty("metric").GetString());

        var search = Run("index", "search", "--index", IndexPath, "--queries", QueriesPath, "-k", $"{K}", "--out", IdsPath, "--ef", "32", "--threads", "2");

        Assert.Equal(0, search.ExitCode);
        AssertSearchJson(search);
        var (ids, shape) = NpyFile.ReadInt64(IdsPath);
        Assert.Equal([QueryCount, K], shape);
        var expected = BruteForce("ip", K);
        int hits = 0;
        for (var q = 0; q < QueryCount; q++)
        {
            hits += ids.Skip(q * K).Take(K).Intersect(expected[q]).Count();
        }
        Assert.True(hits >= 0.9 * QueryCount * K, $"recall@{K} = {hits / (double)(QueryCount * K)}");
    }

    [Fact]
    public void ImportSearch_CustomKeys_ResultsUseKeys()
    {
        var keys = Enumerable.Range(0, Rows).Select(i => 1_000_000L + 7 * i).ToArray();
        var keysPath = Path.Combine(_dir, "keys.npy");
        NpyFile.Write(keysPath, keys, [Rows]);

        Assert.Equal(0, Run("index", "import", "--vectors", VectorsPath, "--keys", keysPath, "--out", IndexPath, "--kind", "flat").ExitCode);
        var search = Run("index", "search", "--index", IndexPath, "--queries", QueriesPath, "-k", $"{K}", "--out", IdsPath, "--threads", "2");

        Assert.Equal(0, search.ExitCode);
        var (ids, _) = NpyFile.ReadInt64(IdsPath);
        Assert.Equal(BruteForce("ip", K).SelectMany(r => r).Select(row => keys[row]), ids);
    }

    [Fact]
    public void Import_MissingVectorsFile_Exit1NamingIt()
    {
        var missing = Path.Combine(_dir, "nope.npy");

        var result = Run("index", "import", "--vectors", missing, "--out", IndexPath, "--kind", "flat");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(missing, result.Stderr);
        Assert.False(Directory.Exists(IndexPath));
    }

    [Fact]
    public void Import_CorruptVectorsFile_Exit1NamingIt()
    {
        var corrupt = Path.Combine(_dir, "corrupt.npy");
        File.WriteAllText(corrupt, "not numpy");

        var result = Run("index", "import", "--vectors", corrupt, "--out", IndexPath, "--kind", "hnsw");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("mm: ", result.Stderr);
        Assert.Contains(corrupt, result.Stderr);
    }

    [Fact]
    public void Search_MissingQueriesFile_Exit1NamingIt()
    {
        Assert.Equal(0, Run("index", "import", "--vectors", VectorsPath, "--out", IndexPath, "--kind", "flat").ExitCode);
        var missing = Path.Combine(_dir, "nope.npy");

        var result = Run("index", "search", "--index", IndexPath, "--queries", missing, "-k", "3", "--out", IdsPath);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(missing, result.Stderr);
        Assert.False(File.Exists(IdsPath));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("garbage")]
    public void Search_MissingOrCorruptIndex_Exit1NamingManifest(string state)
    {
        Directory.CreateDirectory(IndexPath);
        if (state == "garbage")
        {
            File.WriteAllText(Path.Combine(IndexPath, "manifest.json"), "{ not json");
        }

        var result = Run("index", "search", "--index", IndexPath, "--queries", QueriesPath, "-k", "3", "--out", IdsPath);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(Path.Combine(IndexPath, "manifest.json"), result.Stderr);
    }

    [Fact]
    public void Search_CorruptIndexData_Exit1()
    {
        Assert.Equal(0, Run("index", "import", "--vectors", VectorsPath, "--out", IndexPath, "--kind", "flat").ExitCode);
        var keysFile = Path.Combine(IndexPath, "keys.i64");
        File.WriteAllBytes(keysFile, new byte[7]);

        var result = Run("index", "search", "--index", IndexPath, "--queries", QueriesPath, "-k", "3", "--out", IdsPath);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("mm: ", result.Stderr);
    }

    [Fact]
    public void Search_DimensionMismatch_Exit1NamingBoth()
    {
        Assert.Equal(0, Run("index", "import", "--vectors", VectorsPath, "--out", IndexPath, "--kind", "hnsw").ExitCode);
        var wide = Path.Combine(_dir, "wide.npy");
        NpyFile.Write(wide, Gaussian(3 * 8, seed: 3), [3, 8]);

        var result = Run("index", "search", "--index", IndexPath, "--queries", wide, "-k", "3", "--out", IdsPath);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("8 dimensions", result.Stderr);
        Assert.Contains($"has {Dims}", result.Stderr);
    }

    [Theory]
    [InlineData("0", null, "-k")]
    [InlineData("-1", null, "-k")]
    [InlineData("3", "32", "--ef")]
    public void Search_UsageErrors_Exit2(string k, string? ef, string expected)
    {
        Assert.Equal(0, Run("index", "import", "--vectors", VectorsPath, "--out", IndexPath, "--kind", "flat").ExitCode);
        var args = new List<string> { "index", "search", "--index", IndexPath, "--queries", QueriesPath, "-k", k, "--out", IdsPath };
        if (ef is not null)
        {
            args.AddRange(["--ef", ef]);
        }

        var result = Run([.. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("mm: ", result.Stderr);
        Assert.Contains(expected, result.Stderr);
        Assert.False(File.Exists(IdsPath));
    }

    [Fact]
    public void Search_MissingK_Exit2()
    {
        var result = Run("index", "search", "--index", IndexPath, "--queries", QueriesPath, "--out", IdsPath);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("-k is required", result.Stderr);
    }

    public static TheoryData<string[], string> ImportUsageErrors => new()
    {
        { ["--kind", "ivf"], "--kind" },
        { ["--kind", "flat", "--metric", "dot"], "--metric" },
        { ["--kind", "flat", "--m", "8"], "--m" },
        { ["--kind", "flat", "--bogus", "1"], "--bogus" },
        { ["--kind", "hnsw", "--threads", "0"], "--threads" },
    };

    [Theory]
    [MemberData(nameof(ImportUsageErrors))]
    public void Import_BadOptions_Exit2(string[] extra, string expected)
    {
        var result = Run(["index", "import", "--vectors", VectorsPath, "--out", IndexPath, .. extra]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("mm: ", result.Stderr);
        Assert.Contains(expected, result.Stderr);
        Assert.False(Directory.Exists(IndexPath));
    }

    [Fact]
    public void Import_MissingKind_Exit2()
    {
        var result = Run("index", "import", "--vectors", VectorsPath, "--out", IndexPath);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--kind is required", result.Stderr);
    }

    [Fact]
    public void Import_OneDimensionalVectors_Exit2()
    {
        var flat = Path.Combine(_dir, "flat.npy");
        NpyFile.Write(flat, _vectors, [Rows * Dims]);

        var result = Run("index", "import", "--vectors", flat, "--out", IndexPath, "--kind", "flat");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("2-D", result.Stderr);
        Assert.False(Directory.Exists(IndexPath));
    }

    [Fact]
    public void Import_KeysCountMismatch_Exit2()
    {
        var keysPath = Path.Combine(_dir, "keys.npy");
        NpyFile.Write(keysPath, new long[Rows - 1], [Rows - 1]);

        var result = Run("index", "import", "--vectors", VectorsPath, "--keys", keysPath, "--out", IndexPath, "--kind", "hnsw");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--keys", result.Stderr);
        Assert.False(Directory.Exists(IndexPath));
    }

    [Theory]
    [InlineData]
    [InlineData("rebuild")]
    public void Index_MissingOrUnknownSubcommand_Exit2(params string[] sub)
    {
        var result = Run(["index", .. sub]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("import, search or build", result.Stderr);
    }

    private static void AssertSearchJson(CliResult search)
    {
        var json = search.Json;
        Assert.Equal(QueryCount, json.GetProperty("queries").GetInt32());
        Assert.Equal(K, json.GetProperty("k").GetInt32());
        var seconds = json.GetProperty("seconds").GetDouble();
        Assert.True(seconds > 0);
        Assert.Equal(QueryCount / seconds, json.GetProperty("qps").GetDouble(), 1e-6 * (QueryCount / seconds));
    }

    /// <summary>Top-k rows per query by exhaustive scoring (higher first, or nearer first under l2).</summary>
    private long[][] BruteForce(string metric, int k)
    {
        var result = new long[QueryCount][];
        for (var q = 0; q < QueryCount; q++)
        {
            var query = _queries.AsSpan(q * Dims, Dims);
            var scores = new double[Rows];
            for (var r = 0; r < Rows; r++)
            {
                var row = _vectors.AsSpan(r * Dims, Dims);
                double dot = 0, qq = 0, rr = 0, l2 = 0;
                for (var d = 0; d < Dims; d++)
                {
                    dot += query[d] * row[d];
                    qq += query[d] * query[d];
                    rr += row[d] * row[d];
                    l2 += (query[d] - row[d]) * (query[d] - row[d]);
                }
                scores[r] = metric switch
                {
                    "ip" => dot,
                    "cosine" => dot / Math.Sqrt(qq * rr),
                    _ => -l2,
                };
            }
            result[q] = Enumerable.Range(0, Rows).OrderByDescending(r => scores[r]).Take(k).Select(r => (long)r).ToArray();
        }
        return result;
    }

    private static float[] Gaussian(int count, int seed)
    {
        var random = new Random(seed);
        // Box–Muller: standard normal values, so the nearest neighbours are well separated.
        return Enumerable.Range(0, count)
            .Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))
            .ToArray();
    }
}
