using System.Diagnostics;
using MultiModal.Bench.Soak.Reporting;
using MultiModal.Bench.Soak.Truth;
using MultiModal.Index;
using MultiModal.Index.Flat;
using MultiModal.Index.Hnsw;

namespace MultiModal.Bench.Soak;

/// <summary>
/// Searcher threads and one writer thread on one index for a fixed time. The writer publishes every version of the
/// ground truth before applying it to the index and commits it after; a searcher notes the committed version before
/// its search and the newest created one after, and <see cref="SearchVerifier"/> checks the result against that range.
/// </summary>
internal sealed class VectorSoak(SoakOptions options, bool hnsw)
{
    // Each searcher asks its own 16 queries (one at a time, or all 16 in one batch one search in 20), so reference
    // scores are kept up to date incrementally (QueryScores) instead of recomputed over every vector per result.
    private const int QueriesPerSearcher = 16;

    private readonly ErrorLog _errors = new();
    private readonly ReferenceScore _reference = new(options.Metric, options.Tolerance);
    private readonly VectorGenerator _generator = new(options.Dimensions, options.Seed);
    private TruthState _committed = TruthState.Empty(1);
    private TruthState _created = TruthState.Empty(1);
    private volatile bool _stop;

    private string Name => hnsw ? "hnsw" : "flat";

    public ScenarioResult Run()
    {
        using var index = CreateIndex();
        var capacity = options.Vectors * 3 / 2;
        var pool = new SlotPool(capacity);
        var fillWatch = Stopwatch.StartNew();
        Fill(index, capacity, pool, new Random(options.Seed));
        var recallBefore = hnsw ? MeasureRecall(index) : double.NaN;
        Console.WriteLine($"[{Name}] {_committed.Count} vectors added in {fillWatch.Elapsed.TotalSeconds:F1} s" +
            (hnsw ? $", recall@{options.K} of 200 new queries {recallBefore:F4}" : "") + $"; soaking for {options.Duration.TotalSeconds:F0} s");

        var writerStats = new OperationStats();
        var searcherStats = Enumerable.Range(0, options.Searchers).Select(_ => new OperationStats()).ToArray();
        var verifiers = Enumerable.Range(0, options.Searchers).Select(_ => new SearchVerifier(_reference, options.K, exact: !hnsw, _errors)).ToArray();
        var writerFigures = new Dictionary<string, double>();
        using var memory = MemoryProbe.StartNew();
        using var load = new MachineLoad.Sampler();
        var clock = Stopwatch.StartNew();
        var threads = new List<Thread> { new(() => Guard("writer", () => Write(index, pool, writerStats, writerFigures))) { Name = "writer" } };
        threads.AddRange(Enumerable.Range(0, options.Searchers).Select(t =>
            new Thread(() => Guard("searcher", () => Search(index, t, searcherStats[t], verifiers[t]))) { Name = $"searcher {t}" }));
        threads.ForEach(t => t.Start());
        var windows = new List<double>(); // recall@k of the rows checked in each 30-second window (HNSW)
        (double Sum, long Rows) last = (0, 0);
        Progress.Wait(Name, options.Duration, () => _stop, () =>
        {
            var status = $"{_committed.Version} versions, {verifiers.Sum(v => v.Checks)} checked rows, {_errors.Total} errors";
            if (!hnsw)
            {
                return status;
            }
            (double Sum, long Rows) now = (verifiers.Sum(v => v.RecallSum), verifiers.Sum(v => v.RecallRows));
            var window = now.Rows > last.Rows ? (now.Sum - last.Sum) / (now.Rows - last.Rows) : double.NaN;
            windows.Add(window);
            last = now;
            return $"{status}, recall@{options.K} over the last 30 s {window:F4}";
        });
        _stop = true;
        threads.ForEach(t => t.Join());
        var seconds = clock.Elapsed.TotalSeconds;
        FinalCheck(index);
        var recallAfter = hnsw ? MeasureRecall(index) : double.NaN;
        var figures = memory.Finish();

        var extras = new Dictionary<string, double>(writerFigures)
        {
            ["cores"] = Environment.ProcessorCount,
            ["load_average_mean"] = load.Mean,
            ["load_average_max"] = load.Max,
            ["vectors_at_end"] = _committed.Count,
            ["versions"] = _committed.Version,
            ["rows_checked"] = verifiers.Sum(v => v.Checks),
            ["versions_examined"] = verifiers.Sum(v => v.StatesExamined),
            ["widest_version_range"] = verifiers.Max(v => v.MaxRangeWidth),
            ["check_ms_per_row"] = Math.Round(verifiers.Sum(v => v.CheckTicks) * 1000.0 / Stopwatch.Frequency / Math.Max(1, verifiers.Sum(v => v.Checks)), 3),
        };
        if (hnsw)
        {
            var rows = Math.Max(1, verifiers.Sum(v => v.RecallRows));
            extras["recall_at_k_mean"] = Math.Round(verifiers.Sum(v => v.RecallSum) / rows, 5);
            extras["recall_at_k_min"] = verifiers.Min(v => v.RecallMin);
            extras["rows_recall_below_half"] = verifiers.Sum(v => v.PoorRecallRows);
            extras["recall_at_k_first_30s"] = windows.Count > 0 ? Math.Round(windows[0], 5) : double.NaN;
            extras["recall_at_k_last_30s"] = windows.Count > 0 ? Math.Round(windows[^1], 5) : double.NaN;
            extras["recall_at_k_new_queries_before"] = Math.Round(recallBefore, 5);
            extras["recall_at_k_new_queries_after"] = Math.Round(recallAfter, 5);
            extras["short_rows"] = verifiers.Sum(v => v.ShortRows);
        }
        var description = $"{options.Vectors} ± 10% vectors × {options.Dimensions} ({options.Metric}), k = {options.K}, {options.Searchers} searcher threads + 1 writer " +
            $"(add / upsert / remove, batches of 1–{options.MaxBatch}, {(options.WriteRate > 0 ? $"{options.WriteRate} ops/s" : "unthrottled")}), seed {options.Seed}" +
            (hnsw ? $", HNSW M = 16, ef-construction = 128, ef-search = {options.EfSearch}" : ", flat, 1 worker per search");
        return new ScenarioResult(Name, description, seconds,
            OperationStats.MergeAll([writerStats, .. searcherStats], seconds, "search", $"search x{QueriesPerSearcher}", "add", "upsert", "remove"),
            _errors.Total, new Dictionary<string, long>(_errors.Counts), _errors.Samples, figures, extras);
    }

    private IVectorIndex CreateIndex() => hnsw
        ? HnswIndex.Create(options.Dimensions, options.Metric, new HnswOptions { EfSearch = options.EfSearch, Threads = Environment.ProcessorCount })
        : FlatIndex.Create(options.Dimensions, options.Metric, new FlatIndexOptions { Threads = 1 });

    /// <summary>Adds the initial vectors and publishes them as the first version.</summary>
    /// <remarks>
    /// No frame that lives through the soak may hold a version: versions link forward, so the first one held would
    /// keep every later one alive. Hence this method, not <see cref="Run"/>, holds the first one (unoptimised code
    /// keeps locals and temporaries alive to the end of their method).
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Fill(IVectorIndex index, int capacity, SlotPool pool, Random rng)
    {
        var changes = new List<(int, TruthVector?)>();
        while (pool.UsedCount < options.Vectors)
        {
            var slot = pool.RandomFree(rng);
            pool.MarkUsed(slot);
            changes.Add((slot, new TruthVector(_generator.Next(rng))));
        }
        foreach (var batch in changes.Chunk(2048))
        {
            index.Add(batch.SelectMany(c => c.Item2!.Values).ToArray(), batch.Select(c => TruthState.KeyOf(c.Item1)).ToArray());
        }
        _committed = _created = TruthState.Empty(capacity).Apply(changes);
    }

    private void Write(IVectorIndex index, SlotPool pool, OperationStats stats, Dictionary<string, double> figures)
    {
        var rng = new Random(options.Seed + 1);
        var current = _committed;
        var pace = Stopwatch.StartNew();
        long ops = 0, duplicates = 0, unknownRemoves = 0;
        while (!_stop)
        {
            if (options.WriteRate > 0)
            {
                var due = TimeSpan.FromSeconds(ops / options.WriteRate) - pace.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    Thread.Sleep(due);
                }
            }
            var op = WriterOp.Choose(rng, pool.UsedCount, options.Vectors);
            var batch = rng.Next(1, options.MaxBatch + 1);
            var (changes, extraKeys) = op == WriterOpKind.Remove
                ? WriterOp.Removals(rng, pool, batch)
                : WriterOp.Insertions(rng, pool, batch, op == WriterOpKind.Upsert, () => NewVector(rng, pool, current, ref duplicates));
            var keys = changes.Select(c => TruthState.KeyOf(c.Slot)).Concat(extraKeys).ToArray();
            var next = current.Apply(changes);
            Volatile.Write(ref _created, next); // before the index changes: a search that sees the change finds this version
            var start = Stopwatch.GetTimestamp();
            switch (op)
            {
                case WriterOpKind.Add:
                    index.Add(changes.SelectMany(c => c.Vector!.Values).ToArray(), keys);
                    break;
                case WriterOpKind.Upsert:
                    index.Upsert(changes.SelectMany(c => c.Vector!.Values).ToArray(), keys);
                    break;
                default:
                    var removed = index.Remove(keys);
                    if (removed != changes.Count)
                    {
                        _errors.Add("remove-count", $"v{next.Version}: Remove of {changes.Count} stored + {extraKeys.Length} unknown keys returned {removed}");
                    }
                    unknownRemoves += extraKeys.Length;
                    break;
            }
            stats.Record(WriterOp.Name(op), start);
            Volatile.Write(ref _committed, next);
            current = next;
            ops++;
            CheckCounts(index, next, rng);
        }
        figures["writer_duplicate_vectors"] = duplicates;
        figures["writer_unknown_key_removes"] = unknownRemoves;
    }

    // 5% exact copies of a stored vector (exact ties); under cosine another 2% scaled copies (ties after normalising).
    private float[] NewVector(Random rng, SlotPool pool, TruthState current, ref long duplicates)
    {
        var roll = rng.NextDouble();
        if (roll < 0.07 && pool.UsedCount > 0 && current.Get(pool.RandomUsed(rng)) is { } source)
        {
            duplicates++;
            var copy = (float[])source.Values.Clone();
            if (roll >= 0.05 && options.Metric == Metric.Cosine)
            {
                for (var i = 0; i < copy.Length; i++)
                {
                    copy[i] *= 3f;
                }
            }
            return copy;
        }
        return _generator.Next(rng);
    }

    private void CheckCounts(IVectorIndex index, TruthState state, Random rng)
    {
        if (index.Count != state.Count)
        {
            _errors.Add("count-mismatch", $"v{state.Version}: index holds {index.Count}, truth {state.Count}");
        }
        var slot = rng.Next(state.Capacity);
        if (index.Contains(TruthState.KeyOf(slot)) != state.Get(slot) is not null)
        {
            _errors.Add("contains-mismatch", $"v{state.Version}: Contains({TruthState.KeyOf(slot)}) = {index.Contains(TruthState.KeyOf(slot))}, truth {state.Get(slot) is not null}");
        }
    }

    private void Search(IVectorIndex index, int thread, OperationStats stats, SearchVerifier verifier)
    {
        var rng = new Random((options.Seed * 7919) + 100 + thread);
        var pool = QueryPool(rng);
        long searches = 0;
        while (!_stop)
        {
            var lo = Volatile.Read(ref _committed);
            QueryScores[] queries = rng.Next(20) == 0 ? pool : [pool[rng.Next(pool.Length)]];
            var flat = queries.SelectMany(q => q.Query.Values).ToArray();
            var start = Stopwatch.GetTimestamp();
            SearchResult result;
            try
            {
                result = index.Search(flat, options.K);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _errors.Add("search-exception", e); // the index and the truth still agree: keep going
                continue;
            }
            var end = Stopwatch.GetTimestamp();
            var hi = Volatile.Read(ref _created).Version;
            stats.Record(queries.Length == 1 ? "search" : $"search x{queries.Length}", start, end);
            searches++;
            for (var i = 0; i < queries.Length; i++)
            {
                verifier.Check(queries[i], result.KeysOf(i), result.ScoresOf(i), lo, hi, $"searcher {thread} search {searches} query {i}");
            }
        }
    }

    /// <summary>A searcher's fixed queries with their reference scores (a separate frame, so no local keeps the version it starts from).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private QueryScores[] QueryPool(Random rng)
    {
        var state = Volatile.Read(ref _committed);
        return Enumerable.Range(0, QueriesPerSearcher).Select(_ => new QueryScores(Query(rng, state), state, _reference)).ToArray();
    }

    // 70% fresh points, 30% near a stored vector (a known nearest neighbour, and often a near-tie with its duplicates).
    private float[] Query(Random rng, TruthState state)
    {
        if (rng.NextDouble() < 0.3)
        {
            for (var attempt = 0; attempt < 8; attempt++)
            {
                if (state.Get(rng.Next(state.Capacity)) is { } v)
                {
                    return VectorGenerator.Near(rng, v.Values, 0.05);
                }
            }
        }
        return _generator.Next(rng);
    }

    // Quiescent: the index holds exactly the truth's keys, and 100 new queries get exact (flat) or checked (HNSW) rows.
    private void FinalCheck(IVectorIndex index)
    {
        var state = _committed;
        if (index.Count != state.Count)
        {
            _errors.Add("final-count", $"index holds {index.Count}, truth {state.Count}");
        }
        var verifier = new SearchVerifier(_reference, options.K, exact: !hnsw, _errors);
        var rng = new Random(options.Seed + 2);
        for (var i = 0; i < 100; i++)
        {
            var query = new QueryScores(Query(rng, state), state, _reference);
            var result = index.Search(query.Query.Values, options.K);
            verifier.Check(query, result.KeysOf(0), result.ScoresOf(0), state, state.Version, $"final query {i}");
        }
        var missing = 0;
        state.ForEach((slot, _) => missing += index.Contains(TruthState.KeyOf(slot)) ? 0 : 1);
        if (missing > 0)
        {
            _errors.Add("final-missing", $"{missing} stored keys are not in the index");
        }
    }

    /// <summary>
    /// Mean recall@k of 200 fresh queries (the same ones each call: a fixed seed) in a quiescent index: the graph's
    /// quality before and after the soak's churn, apart from the searchers' fixed query pools.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private double MeasureRecall(IVectorIndex index)
    {
        var state = Volatile.Read(ref _committed);
        var verifier = new SearchVerifier(_reference, options.K, exact: false, _errors);
        var rng = new Random(options.Seed + 3);
        for (var i = 0; i < 200; i++)
        {
            var query = new QueryScores(_generator.Next(rng), state, _reference);
            var result = index.Search(query.Query.Values, options.K);
            verifier.Check(query, result.KeysOf(0), result.ScoresOf(0), state, state.Version, $"recall query {i}");
        }
        return verifier.RecallSum / Math.Max(1, verifier.RecallRows);
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
            _stop = true; // the ground truth may no longer describe the index: stop rather than report noise
        }
    }
}
