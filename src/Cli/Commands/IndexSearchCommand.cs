using System.Diagnostics;
using MultiModal.Encoders.IO;
using MultiModal.Index;
using MultiModal.Index.Flat;
using MultiModal.Index.Hnsw;
using MultiModal.Index.Persistence;
using TorchSharp;

namespace MultiModal.Cli.Commands;

/// <summary>
/// <c>mm index search</c>: loads a saved index (its kind read from <c>manifest.json</c>), searches a NumPy float32
/// [Q, D] file of queries, writes the int64 [Q, K] keys (-1 padded) and prints {queries, k, seconds, qps} as JSON,
/// where seconds times the search alone.
/// </summary>
internal static class IndexSearchCommand
{
    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, CancellationToken cancellationToken)
    {
        var args = Arguments.Parse(argv, new HashSet<string>());
        var indexPath = args.Required("index");
        var queriesPath = args.Required("queries");
        var outPath = args.Required("out");
        _ = args.Required("k");
        int k = args.Int("k", 1);
        int threads = args.Int("threads", 1);
        bool efGiven = args.Optional("ef") is not null;
        int ef = args.Int("ef", 1);
        args.RejectUnused();
        if (args.Positionals.Count > 0)
        {
            throw new UsageException($"Unexpected argument '{args.Positionals[0]}'.");
        }

        OutputPaths.EnsureSeparate(outPath, "--out", ("--index", indexPath), ("--queries", queriesPath));
        OutputFiles.CheckNpy(outPath, "--out");
        var kind = SavedIndex.ReadKind(indexPath);
        if (efGiven && kind != "hnsw")
        {
            throw new UsageException($"--ef applies to hnsw indexes only; '{indexPath}' is a {kind} index.");
        }
        var (queries, shape) = NpyFile.ReadFloat32(queriesPath);
        if (shape.Length != 2 || shape[1] <= 0)
        {
            throw new UsageException($"--queries '{queriesPath}' must be a 2-D float32 array [Q, D], got shape [{string.Join(", ", shape)}].");
        }
        int queryCount = checked((int)shape[0]);

        using var index = Load(indexPath, kind, threads);
        if (index.Dimensions != shape[1])
        {
            throw new InvalidDataException($"{queriesPath}: queries have {shape[1]} dimensions, the index '{indexPath}' has {index.Dimensions}.");
        }
        if (efGiven)
        {
            ((HnswIndex)index).EfSearch = ef;
        }
        var watch = Stopwatch.StartNew();
        var result = index.Search(queries, k, cancellationToken);
        var seconds = watch.Elapsed.TotalSeconds;
        NpyFile.Write(outPath, result.Keys, [queryCount, result.K]); // K = min(k, index size)

        CliApp.WriteJson(stdout, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("queries", queryCount);
            w.WriteNumber("k", result.K);
            w.WriteNumber("seconds", seconds);
            w.WriteNumber("qps", seconds > 0 ? queryCount / seconds : 0);
            w.WriteEndObject();
        });
        return CliApp.Ok;
    }

    private static IVectorIndex Load(string directory, string kind, int threads)
    {
        if (kind == FlatIndex.Kind && threads > 1)
        {
            // FlatIndexOptions.Threads: each worker's matrix products must stay single-threaded, or the pools multiply.
            torch.set_num_threads(1);
        }
        return SavedIndex.Load(directory, threads: threads);
    }
}
