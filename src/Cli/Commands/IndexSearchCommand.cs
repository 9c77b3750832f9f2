using System.Diagnostics;
using System.Text.Json;
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

        var kind = ReadKind(indexPath);
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
        NpyFile.Write(outPath, result.Keys, [queryCount, k]);

        CliApp.WriteJson(stdout, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("queries", queryCount);
            w.WriteNumber("k", k);
            w.WriteNumber("seconds", seconds);
            w.WriteNumber("qps", seconds > 0 ? queryCount / seconds : 0);
            w.WriteEndObject();
        });
        return CliApp.Ok;
    }

    private static IVectorIndex Load(string directory, string kind, int threads)
    {
        if (kind == "hnsw")
        {
            return HnswIndex.Load(directory, threads: threads);
        }
        if (threads > 1)
        {
            // FlatIndexOptions.Threads: each worker's matrix products must stay single-threaded, or the pools multiply.
            torch.set_num_threads(1);
        }
        return FlatIndex.Load(directory, indexOptions: new FlatIndexOptions { Threads = threads });
    }

    /// <summary>The "kind" field of the saved index's manifest; <see cref="IndexFormatException"/> names the manifest on any problem.</summary>
    private static string ReadKind(string directory)
    {
        var path = Path.Combine(directory, "manifest.json");
        if (!File.Exists(path))
        {
            throw new IndexFormatException(path, "The manifest is missing: not a saved index directory.");
        }
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var kind = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("kind", out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return kind is "flat" or "hnsw" ? kind : throw new IndexFormatException(path, $"Unknown index kind '{kind}'.");
        }
        catch (JsonException e)
        {
            throw new IndexFormatException(path, $"The manifest is not valid JSON: {e.Message}", e);
        }
    }
}
