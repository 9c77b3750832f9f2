// HNSW benchmark, MultiModal side: builds HnswIndex (USearch) on the data set faiss_hnsw_bench.py --make wrote,
// sweeps EfSearch, and prints one JSON line per measurement like the FAISS side. Run through run.sh.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using MultiModal.Index;
using MultiModal.Index.Hnsw;

var options = args.Select((a, i) => (a, i)).Where(t => t.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(t => t.a[2..], t => args[t.i + 1]);
string dir = options["dir"];
int threads = Int("threads", 1), m = Int("m", 16), efConstruction = Int("ef-construction", 128);
int repeats = Int("repeats", 3), builds = Int("builds", 1);
int[] efs = [16, 24, 32, 48, 64, 96, 128, 192, 256, 384];

using var meta = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "meta.json")));
int n = meta.RootElement.GetProperty("n").GetInt32(), q = meta.RootElement.GetProperty("queries").GetInt32();
int d = meta.RootElement.GetProperty("dimensions").GetInt32(), k = meta.RootElement.GetProperty("k").GetInt32();
var data = Read<float>("base.f32");
var queries = Read<float>("queries.f32");
var truth = Read<long>("gt.i64");
var keys = Enumerable.Range(0, n).Select(i => (long)i).ToArray();

HnswIndex? index = null;
var buildRates = new List<double>();
for (var b = 0; b < builds; b++)
{
    index?.Dispose();
    index = HnswIndex.Create(d, Metric.InnerProduct, new HnswOptions { M = m, EfConstruction = efConstruction, Threads = threads, InitialCapacity = n });
    var clock = Stopwatch.StartNew();
    index.Add(data, keys);
    buildRates.Add(n / clock.Elapsed.TotalSeconds);
}

Print(new { impl = "multimodal", threads, what = "build", vectors_per_s = Median(buildRates), runs = builds });
foreach (var ef in efs)
{
    index!.EfSearch = ef;
    var rates = new List<double>();
    SearchResult? result = null;
    for (var r = 0; r < repeats; r++)
    {
        var clock = Stopwatch.StartNew();
        result = index.Search(queries, k);
        rates.Add(q / clock.Elapsed.TotalSeconds);
    }

    var hits = 0;
    for (var i = 0; i < q; i++)
    {
        var found = result!.KeysOf(i).ToArray();
        hits += truth.AsSpan(i * k, k).ToArray().Count(found.Contains);
    }

    Print(new { impl = "multimodal", threads, what = "search", ef, recall = hits / (double)(q * k), qps = Median(rates), runs = repeats });
}

index?.Dispose();

int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

T[] Read<T>(string file) where T : struct => MemoryMarshal.Cast<byte, T>(File.ReadAllBytes(Path.Combine(dir, file))).ToArray();

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

static void Print(object row) => Console.WriteLine(JsonSerializer.Serialize(row));
