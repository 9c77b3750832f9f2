using System.Diagnostics;
using MultiModal.Encoders.IO;
using MultiModal.Index;
using MultiModal.Index.Flat;
using MultiModal.Index.Hnsw;

namespace MultiModal.Cli.Commands;

/// <summary>
/// <c>mm index import</c>: builds a flat or HNSW index from a NumPy float32 [N, D] file, streamed in 64 MB
/// chunks so files over 2 GB import (keys from an int64 [N] file, or row numbers), and saves it; prints {index, kind, metric, count, dimensions, seconds} as JSON.
/// </summary>
internal static class IndexImportCommand
{
    private const int ChunkFloats = 16 << 20; // 64 MB of vectors per Add

    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, CancellationToken cancellationToken, int chunkFloats = ChunkFloats)
    {
        var args = Arguments.Parse(argv, new HashSet<string>());
        var vectorsPath = args.Required("vectors");
        var outPath = args.Required("out");
        var kind = ParseKind(args.Required("kind"));
        var metricName = args.Optional("metric") ?? "ip";
        var metric = ParseMetric(metricName);
        var keysPath = args.Optional("keys");
        int threads = args.Int("threads", 1);
        var defaults = new HnswOptions();
        bool hnswOptionsGiven = args.Optional("m") is not null || args.Optional("ef-construction") is not null;
        int m = args.Int("m", defaults.M, min: 2);
        int efConstruction = args.Int("ef-construction", defaults.EfConstruction);
        args.RejectUnused();
        if (args.Positionals.Count > 0)
        {
            throw new UsageException($"Unexpected argument '{args.Positionals[0]}'.");
        }
        if (kind == "flat" && hnswOptionsGiven)
        {
            throw new UsageException("--m and --ef-construction apply to --kind hnsw only.");
        }

        OutputPaths.EnsureSeparate(outPath, "--out", ("--vectors", vectorsPath), ("--keys", keysPath));
        SavedIndex.CheckOutput(outPath);
        // One writer at a time for the whole import; readers of the old index are not blocked.
        using var writeLock = FolderLock.ForWriting(outPath, cancellationToken: cancellationToken);

        // Streamed in chunks: a 1M x 512 float32 file is 2 GB, more than one managed array holds.
        using var vectors = NpyReader.Open(vectorsPath);
        var shape = vectors.Shape;
        if (vectors.Descr != "<f4" || shape.Count != 2 || shape[1] <= 0 || shape[0] > int.MaxValue || shape[1] > int.MaxValue)
        {
            throw new UsageException($"--vectors '{vectorsPath}' must be a 2-D float32 array [N, D], got dtype '{vectors.Descr}' shape [{string.Join(", ", shape)}].");
        }
        int count = (int)shape[0], dimensions = (int)shape[1];
        long[] keys;
        if (keysPath is null)
        {
            keys = new long[count];
            for (var i = 0; i < count; i++)
            {
                keys[i] = i;
            }
        }
        else
        {
            var (keyData, keyShape) = NpyFile.ReadInt64(keysPath);
            if (keyShape.Length != 1 || keyShape[0] != count)
            {
                throw new UsageException($"--keys '{keysPath}' must be an int64 array [{count}] (one key per row of --vectors), got shape [{string.Join(", ", keyShape)}].");
            }
            keys = keyData;
        }

        var watch = Stopwatch.StartNew();
        using IVectorIndex index = kind == "flat"
            ? FlatIndex.Create(dimensions, metric, new FlatIndexOptions { Threads = threads, InitialCapacity = count })
            : HnswIndex.Create(dimensions, metric, new HnswOptions { M = m, EfConstruction = efConstruction, Threads = threads, InitialCapacity = count });
        int chunkRows = Math.Max(1, chunkFloats / dimensions);
        var buffer = new float[(long)Math.Min(chunkRows, Math.Max(count, 1)) * dimensions];
        for (int start = 0; start < count; start += chunkRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int rows = Math.Min(chunkRows, count - start);
            var chunk = buffer.AsSpan(0, rows * dimensions);
            vectors.ReadFloat32(chunk);
            index.Add(chunk, keys.AsSpan(start, rows));
        }
        switch (index)
        {
            case FlatIndex flat:
                flat.Save(outPath);
                break;
            case HnswIndex hnsw:
                hnsw.Save(outPath);
                break;
        }
        var seconds = watch.Elapsed.TotalSeconds;

        CliApp.WriteJson(stdout, w =>
        {
            w.WriteStartObject();
            w.WriteString("index", outPath);
            w.WriteString("kind", kind);
            w.WriteString("metric", metricName);
            w.WriteNumber("count", count);
            w.WriteNumber("dimensions", dimensions);
            w.WriteNumber("seconds", seconds);
            w.WriteEndObject();
        });
        return CliApp.Ok;
    }

    private static string ParseKind(string kind) => kind is "flat" or "hnsw"
        ? kind
        : throw new UsageException($"--kind must be flat or hnsw, got '{kind}'.");

    private static Metric ParseMetric(string metric) => metric switch
    {
        "ip" => Metric.InnerProduct,
        "cosine" => Metric.Cosine,
        "l2" => Metric.L2,
        _ => throw new UsageException($"--metric must be ip, cosine or l2, got '{metric}'."),
    };
}
