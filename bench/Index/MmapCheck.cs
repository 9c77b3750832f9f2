using System.Diagnostics;
using System.Globalization;
using MultiModal.Index;
using MultiModal.Index.Flat;
using MultiModal.Index.Persistence;

/// <summary>
/// The issue's memory check: a 1M × 512 float32 flat index (2 GB of vectors) loads memory-mapped, without copying the
/// vectors into the managed heap. Usage: MultiModal.Bench.Index mmap DIR [ROWS=1000000] [DIMS=512].
/// Builds and saves the index in DIR on the first run, then loads it and prints the managed bytes the load allocated.
/// </summary>
internal static class MmapCheck
{
    public static void Run(string[] args)
    {
        string dir = args[0];
        int rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        int dims = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 512;
        if (!Directory.Exists(dir))
        {
            var sw = Stopwatch.StartNew();
            using var build = FlatIndex.Create(dims, Metric.InnerProduct);
            var random = new Random(0);
            const int chunk = 50_000;
            var block = new float[chunk * dims];
            for (int start = 0; start < rows; start += chunk)
            {
                int n = Math.Min(chunk, rows - start);
                for (int i = 0; i < n * dims; i++)
                {
                    block[i] = (float)random.NextDouble() - 0.5f;
                }
                build.Add(block.AsSpan(0, n * dims), Enumerable.Range(start, n).Select(i => (long)i).ToArray());
            }
            build.Save(dir);
            Console.WriteLine(FormattableString.Invariant($"built and saved {rows} x {dims} in {sw.Elapsed.TotalSeconds:F1} s"));
        }
        GC.Collect();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var load = Stopwatch.StartNew();
        using var index = FlatIndex.Load(dir, new LoadOptions { VerifyChecksums = false });
        double loadSeconds = load.Elapsed.TotalSeconds;
        long managed = GC.GetTotalAllocatedBytes(precise: true) - before;
        long fileBytes = new FileInfo(Path.Combine(dir, "vectors.f32")).Length;
        var queries = new float[10 * dims];
        for (int i = 0; i < queries.Length; i++)
        {
            queries[i] = (float)Math.Sin(i);
        }
        var search = Stopwatch.StartNew();
        var result = index.Search(queries, 10);
        Console.WriteLine(FormattableString.Invariant(
            $"{{\"rows\": {index.Count}, \"dims\": {dims}, \"vector_file_bytes\": {fileBytes}, \"memory_mapped\": {index.IsMemoryMapped.ToString().ToLowerInvariant()}, \"load_s\": {loadSeconds:F2}, \"managed_bytes_allocated_by_load\": {managed}, \"search_10_queries_s\": {search.Elapsed.TotalSeconds:F2}, \"top1\": {result.Keys[0]}}}"));
    }
}
