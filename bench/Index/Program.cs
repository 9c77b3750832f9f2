// Exact search benchmark: FlatIndex (inner product) on the data set faiss_bench.py wrote, timed like it (1 warm-up,
// median of N), top-k ids compared with FAISS's. Prints one JSON line. Run through run.sh for the side-by-side table.
using System.Diagnostics;
using System.Globalization;
using MultiModal.Encoders.IO;
using MultiModal.Index;
using MultiModal.Index.Flat;
using static TorchSharp.torch;

if (args.Length > 0 && args[0] == "mmap")
{
    MmapCheck.Run(args[1..]);
    return;
}

var options = args.Select((a, i) => (a, i)).Where(t => t.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(t => t.a[2..], t => args[t.i + 1]);
string data = options["data"];
int threads = int.Parse(options.GetValueOrDefault("threads", "1"), CultureInfo.InvariantCulture);
int k = int.Parse(options.GetValueOrDefault("k", "10"), CultureInfo.InvariantCulture);
int iterations = int.Parse(options.GetValueOrDefault("iterations", "3"), CultureInfo.InvariantCulture);
var storage = Enum.Parse<FlatStorage>(options.GetValueOrDefault("storage", "Float32"));
var gemm = Enum.Parse<FlatCpuGemm>(options.GetValueOrDefault("gemm", "Auto"));

// One libtorch thread per worker: FlatIndex runs `threads` workers, each doing single-threaded sgemm tiles.
set_num_threads(1);
var (baseData, baseShape) = NpyFile.ReadFloat32(Path.Combine(data, "base.npy"));
var (queries, queryShape) = NpyFile.ReadFloat32(Path.Combine(data, "queries.npy"));
int dims = (int)baseShape[1];
using var index = FlatIndex.Create(dims, Metric.InnerProduct, new FlatIndexOptions { Threads = threads, Storage = storage, Gemm = gemm });
index.Add(baseData, Enumerable.Range(0, (int)baseShape[0]).Select(i => (long)i).ToArray());
baseData = [];

var result = index.Search(queries, k); // warm-up
var times = new List<double>();
for (int i = 0; i < iterations; i++)
{
    var sw = Stopwatch.StartNew();
    result = index.Search(queries, k);
    times.Add(sw.Elapsed.TotalSeconds);
}
times.Sort();
double median = times[times.Count / 2];

var faissPath = Path.Combine(data, $"faiss_ids_t{threads}.npy");
string identical = "n/a";
int differing = -1, differingSets = -1;
if (File.Exists(faissPath))
{
    var (faissIds, _) = NpyFile.ReadInt64(faissPath);
    differing = 0;
    differingSets = 0;
    for (int q = 0; q < (int)queryShape[0]; q++)
    {
        if (!faissIds.AsSpan(q * k, k).SequenceEqual(result.KeysOf(q)))
        {
            differing++;
            differingSets += faissIds.AsSpan(q * k, k).ToArray().Order().SequenceEqual(result.KeysOf(q).ToArray().Order()) ? 0 : 1;
            Console.Error.WriteLine($"query {q}: faiss [{string.Join(", ", faissIds.AsSpan(q * k, k).ToArray())}] flat [{string.Join(", ", result.KeysOf(q).ToArray())}] scores [{string.Join(", ", result.ScoresOf(q).ToArray())}]");
        }
    }
    identical = differing == 0 ? "true" : "false";
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"impl\": \"flatindex\", \"threads\": {threads}, \"storage\": \"{storage}\", \"gemm\": \"{gemm}\", \"median_s\": {median:F4}, \"qps\": {queryShape[0] / median:F1}, \"ids_identical\": {identical}, \"queries_differing\": {differing}, \"queries_differing_as_sets\": {differingSets}}}"));
