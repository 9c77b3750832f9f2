using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using MultiModal.Bench.Soak.Reporting;
using MultiModal.Encoders;
using MultiModal.Index.Search;

namespace MultiModal.Bench.Soak.Service;

/// <summary>
/// <see cref="ImageSearchService"/> under load: one thread re-runs <c>IndexFolder</c> back to back (saving every tenth
/// run), one changes the folder, and searcher threads run <c>SearchText</c> / <c>SearchImage</c>. Every hit must
/// name a file the folder has held, under one key per path for good, with a score equal (within the batch-size
/// jitter of the model, measured at start) to the query's similarity with one of the contents that path has held.
/// At the end the folder is indexed once more and every catalogued file must carry its current content's hash and
/// embedding; the last save must reopen with the same catalog.
/// </summary>
internal sealed class ServiceSoak(SoakOptions options)
{
    private const int Variants = 400;

    private static readonly string[] Texts =
    [
        "a photo of a red square", "a blue circle", "a green gradient", "an orange ellipse on grey", "a dark picture",
        "a bright picture", "two rectangles", "a purple shape", "a yellow background", "a photo of a cat", "a diagram",
        "stripes", "a sunset", "a small icon", "a photo of the sea", "a cup of coffee", "shoes", "a black and white photo",
    ];

    private readonly ErrorLog _errors = new();
    private readonly ConcurrentDictionary<long, string> _keyPaths = new();
    private float[][] _variantEmbeddings = [];
    private float[][] _textEmbeddings = [];
    private double _tolerance;
    private volatile bool _stop;
    private long _hitsChecked;

    public ScenarioResult Run()
    {
        var work = options.WorkDirectory ?? Directory.CreateTempSubdirectory("mm-soak-").FullName;
        Directory.CreateDirectory(work);
        try
        {
            return Run(Path.GetFullPath(work));
        }
        finally
        {
            if (options.WorkDirectory is null)
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private ScenarioResult Run(string work)
    {
        var modelDirectory = options.Model ?? Path.Combine(RepoRoot(), "tests", "fixtures", "clip", "models", "tiny-quickgelu-hf");
        using var model = MultimodalModels.Load(modelDirectory);
        var variants = ImageVariants.Write(Path.Combine(work, "variants"), Variants, options.Seed);
        Embed(model, variants);
        var mutator = new FolderMutator(Path.Combine(work, "images"), variants, options.Files);
        var rng = new Random(options.Seed);
        mutator.Populate(rng);
        var kind = options.ServiceIndex == "hnsw" ? ImageIndexKind.Hnsw : ImageIndexKind.Flat;
        using var service = ImageSearchService.Create(model, new ImageSearchOptions { Kind = kind, BatchSize = 16 });
        var initial = Stopwatch.StartNew();
        var first = service.IndexFolder(mutator.Root);
        Console.WriteLine($"[service] model {model.Name} ({model.EmbedDim}-d), {first.Added} images indexed in {initial.Elapsed.TotalSeconds:F1} s, " +
            $"score tolerance {_tolerance:G3}; soaking for {options.Duration.TotalSeconds:F0} s");

        var indexerStats = new OperationStats();
        var mutatorStats = new OperationStats();
        var searcherStats = Enumerable.Range(0, options.Searchers).Select(_ => new OperationStats()).ToArray();
        var counters = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        var saveDirectory = Path.Combine(work, "index");
        using var memory = MemoryProbe.StartNew();
        using var load = new MachineLoad.Sampler();
        var clock = Stopwatch.StartNew();
        var threads = new List<Thread>
        {
            new(() => Guard("indexer", () => Index(service, mutator.Root, saveDirectory, indexerStats, counters))) { Name = "indexer" },
            new(() => Guard("mutator", () => Mutate(mutator, mutatorStats, counters))) { Name = "mutator" },
        };
        threads.AddRange(Enumerable.Range(0, options.Searchers).Select(t =>
            new Thread(() => Guard("searcher", () => Search(service, mutator, variants, t, searcherStats[t], counters))) { Name = $"searcher {t}" }));
        threads.ForEach(t => t.Start());
        Progress.Wait("service", options.Duration, () => _stop,
            () => $"{counters.GetValueOrDefault("index_runs")} index runs, {Interlocked.Read(ref _hitsChecked)} hits checked, {_errors.Total} errors");
        _stop = true;
        threads.ForEach(t => t.Join());
        var seconds = clock.Elapsed.TotalSeconds;
        try
        {
            FinalCheck(service, mutator, model, saveDirectory, counters);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _errors.Add("final-exception", e);
        }
        var figures = memory.Finish();

        counters["images_at_end"] = service.Count;
        counters["hits_checked"] = Interlocked.Read(ref _hitsChecked);
        counters["cores"] = Environment.ProcessorCount;
        counters["load_average_mean"] = load.Mean;
        counters["load_average_max"] = load.Max;
        var description = $"ImageSearchService ({kind}, cosine) with {model.Name} ({model.EmbedDim}-d) over a folder of {options.Files} ± 25% synthetic PNGs " +
            $"(copies of {Variants} variants, 40–96 px); 1 indexer (IndexFolder back to back, Save every 10th run), 1 mutator ({options.MutationRate} changes/s), " +
            $"{options.Searchers} searcher threads (SearchText / SearchImage, k = {options.K}), seed {options.Seed}";
        return new ScenarioResult("service", description, seconds,
            OperationStats.MergeAll([indexerStats, mutatorStats, .. searcherStats], seconds,
                "search text", "search image", "index folder", "save", "file add", "file change", "file delete", "file corrupt"),
            _errors.Total, new Dictionary<string, long>(_errors.Counts), _errors.Samples, figures,
            counters.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Value));
    }

    /// <summary>Embeds every variant and query text once; the tolerance covers how much an embedding moves with the batch it is in.</summary>
    private void Embed(IMultimodalEncoder model, IReadOnlyList<string> variants)
    {
        _variantEmbeddings = model.EncodeImages(variants, batchSize: 32);
        _textEmbeddings = model.EncodeTexts(Texts);
        var jitter = 0.0;
        for (var v = 0; v < 16; v++)
        {
            var single = model.EncodeImages([variants[v]], batchSize: 1)[0];
            jitter = Math.Max(jitter, Math.Abs(1 - Dot(single, _variantEmbeddings[v])));
            jitter = Math.Max(jitter, single.Zip(_variantEmbeddings[v]).Max(p => Math.Abs(p.First - p.Second)));
        }
        _tolerance = Math.Max(1e-4, 10 * jitter);
    }

    private void Index(ImageSearchService service, string root, string saveDirectory, OperationStats stats, ConcurrentDictionary<string, double> counters)
    {
        var runs = 0;
        while (!_stop)
        {
            var start = Stopwatch.GetTimestamp();
            IndexingResult result;
            try
            {
                result = service.IndexFolder(root);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _errors.Add("index-exception", e); // a failed run applies nothing of its chunk in flight: keep going
                continue;
            }
            stats.Record("index folder", start);
            runs++;
            counters.AddOrUpdate("index_runs", 1, (_, c) => c + 1);
            counters.AddOrUpdate("indexed_added", result.Added, (_, c) => c + result.Added);
            counters.AddOrUpdate("indexed_updated", result.Updated, (_, c) => c + result.Updated);
            counters.AddOrUpdate("indexed_removed", result.Removed, (_, c) => c + result.Removed);
            // Undecodable (corrupt) files are retried every run; "unreadable" ones vanished between the walk and the read.
            var unreadable = result.Skipped.Count(s => s.Reason.StartsWith("unreadable", StringComparison.Ordinal));
            counters.AddOrUpdate("skipped_unreadable", unreadable, (_, c) => c + unreadable);
            counters.AddOrUpdate("skipped_undecodable", result.Skipped.Count - unreadable, (_, c) => c + result.Skipped.Count - unreadable);
            // Only this thread changes the service, so its two counts must agree between runs.
            if (service.Count != service.IndexCount)
            {
                _errors.Add("service-count", $"after run {runs}: catalog {service.Count}, index {service.IndexCount}");
            }
            if (runs % 10 == 0)
            {
                start = Stopwatch.GetTimestamp();
                service.Save(saveDirectory);
                stats.Record("save", start);
            }
        }
    }

    private void Mutate(FolderMutator mutator, OperationStats stats, ConcurrentDictionary<string, double> counters)
    {
        var rng = new Random(options.Seed + 1);
        var pace = Stopwatch.StartNew();
        long done = 0;
        while (!_stop)
        {
            var due = TimeSpan.FromSeconds(done / options.MutationRate) - pace.Elapsed;
            if (due > TimeSpan.Zero)
            {
                Thread.Sleep(due);
            }
            var start = Stopwatch.GetTimestamp();
            var kind = mutator.Step(rng);
            stats.Record($"file {kind.ToString().ToLowerInvariant()}", start);
            done++;
        }
        counters["file_changes"] = done;
    }

    private void Search(ImageSearchService service, FolderMutator mutator, IReadOnlyList<string> variants, int thread, OperationStats stats, ConcurrentDictionary<string, double> counters)
    {
        var rng = new Random((options.Seed * 7919) + 100 + thread);
        long searches = 0;
        while (!_stop)
        {
            var text = rng.Next(2) == 0;
            var q = text ? rng.Next(Texts.Length) : rng.Next(variants.Count);
            var start = Stopwatch.GetTimestamp();
            IReadOnlyList<ImageSearchHit> result;
            try
            {
                result = text ? service.SearchText(Texts[q], options.K) : service.SearchImage(variants[q], options.K);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _errors.Add(text ? "search-text-exception" : "search-image-exception", e);
                continue;
            }
            stats.Record(text ? "search text" : "search image", start);
            searches++;
            Interlocked.Add(ref _hitsChecked, result.Count);
            Verify(result, text ? _textEmbeddings[q] : _variantEmbeddings[q], mutator, $"searcher {thread} search {searches} ({(text ? $"text \"{Texts[q]}\"" : $"image v{q}")})");
        }
    }

    private void Verify(IReadOnlyList<ImageSearchHit> hits, float[] query, FolderMutator mutator, string what)
    {
        if (hits.Count != options.K)
        {
            // The folder never holds fewer than 4k decodable files, and a run removes only files gone at its start.
            _errors.Add("service-short", $"{what}: {hits.Count} hits, {options.K} expected");
        }
        for (var j = 0; j < hits.Count; j++)
        {
            var hit = hits[j];
            if (j > 0 && hit.Score > hits[j - 1].Score)
            {
                _errors.Add("service-unsorted", $"{what}: rank {j} score {hit.Score} above rank {j - 1} score {hits[j - 1].Score}");
            }
            for (var i = 0; i < j; i++)
            {
                if (hits[i].Key == hit.Key || hits[i].Path == hit.Path)
                {
                    _errors.Add("service-duplicate", $"{what}: ranks {i} and {j} are both key {hit.Key} / {hit.Path}");
                }
            }
            if (_keyPaths.GetOrAdd(hit.Key, hit.Path) is var known && known != hit.Path)
            {
                _errors.Add("service-key-path", $"{what}: key {hit.Key} names {hit.Path}, earlier {known}");
            }
            var history = mutator.History(hit.Path);
            if (history is null)
            {
                _errors.Add("service-unknown-path", $"{what}: rank {j} path {hit.Path} was never written");
                continue;
            }
            if (!history.Any(v => v >= 0 && Math.Abs(hit.Score - Dot(query, _variantEmbeddings[v])) <= _tolerance))
            {
                var expected = string.Join(", ", history.Where(v => v >= 0).Distinct().Select(v => $"v{v}: {Dot(query, _variantEmbeddings[v]):F6}"));
                _errors.Add("service-score", $"{what}: rank {j} {hit.Path} score {hit.Score:F6} matches none of its contents ({expected})");
            }
        }
    }

    // Quiescent: after one more run, catalogued files are the present ones (corrupt files may keep an earlier
    // record), each decodable file's record has its current hash, and its embedding is its current content's.
    private void FinalCheck(ImageSearchService service, FolderMutator mutator, IMultimodalEncoder model, string saveDirectory, ConcurrentDictionary<string, double> counters)
    {
        service.IndexFolder(mutator.Root);
        var present = mutator.Present();
        var records = service.Images;
        var byPath = records.ToDictionary(r => r.Path, StringComparer.Ordinal);
        foreach (var (path, content) in present)
        {
            if (content < 0)
            {
                continue;
            }
            if (!byPath.TryGetValue(path, out var record))
            {
                _errors.Add("final-missing", $"{path} (v{content}) is not catalogued");
            }
            else if (record.Sha256 != Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))))
            {
                _errors.Add("final-stale-hash", $"{path} (v{content}): catalogued SHA-256 is not the file's");
            }
        }
        foreach (var record in records.Where(r => !present.ContainsKey(r.Path)))
        {
            _errors.Add("final-gone", $"{record.Path} is catalogued but gone from the folder");
        }
        for (var t = 0; t < 3; t++)
        {
            var all = service.SearchText(Texts[t], records.Count);
            foreach (var hit in all.Where(h => present.TryGetValue(h.Path, out var c) && c >= 0))
            {
                var expected = Dot(_textEmbeddings[t], _variantEmbeddings[present[hit.Path]]);
                if (Math.Abs(hit.Score - expected) > _tolerance)
                {
                    _errors.Add("final-stale-embedding", $"{hit.Path} (v{present[hit.Path]}): score {hit.Score:F6} for \"{Texts[t]}\", its content gives {expected:F6}");
                }
            }
        }
        service.Save(saveDirectory);
        using var reopened = ImageSearchService.Open(model, saveDirectory);
        if (reopened.Count != service.Count || !reopened.Images.SequenceEqual(service.Images))
        {
            _errors.Add("final-reopen", $"reopened catalog holds {reopened.Count} images, the service {service.Count}");
        }
        counters["final_present_files"] = present.Count;
        counters["final_corrupt_files"] = present.Count(p => p.Value < 0);
    }

    private void Guard(string role, Action body)
    {
        try
        {
            body();
        }
        catch (Exception e)
        {
            _errors.Add($"{role}-exception", e);
            _stop = true;
        }
    }

    private static double Dot(float[] a, float[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }
        return sum;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MultiModal.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new DirectoryNotFoundException("MultiModal.sln not found above " + AppContext.BaseDirectory + "; pass --model.");
    }
}
