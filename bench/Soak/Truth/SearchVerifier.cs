using System.Globalization;
using MultiModal.Bench.Soak.Reporting;
using MultiModal.Index;

namespace MultiModal.Bench.Soak.Truth;

/// <summary>
/// Re-checks one search result row against brute force over every ground-truth version the search may have seen
/// (<c>lo</c>, committed before it started, through <c>hi</c>, the newest created when it returned), from the query's
/// <see cref="QueryScores"/> moved to <c>lo</c> and then through the range. One per searcher thread (scratch arrays).
/// </summary>
/// <remarks>
/// Exact indexes: the row must be a correct top-k of at least one version in the range: as many results as
/// min(k, count), every key stored with its score within tolerance of the float64 reference, ranked in reference
/// order, and no unreturned key clearly (beyond tolerance) closer than the last one returned, so exact ties and
/// near-ties may go either way. Approximate indexes: every returned key must be stored, with a matching score, in some
/// version of the range; recall@k is measured (the best over the range, counting a returned key whose reference
/// score ties the k-th best as a hit) and rows shorter than min(k, count) in every version are counted.
/// Both: keys unique, scores sorted, padding (-1 and the metric's padding score) only after the last result.
/// </remarks>
internal sealed class SearchVerifier(ReferenceScore reference, int k, bool exact, ErrorLog errors)
{
    private double[] _scores = [];
    private bool[] _returned = [];
    private readonly double[] _best = new double[k];

    public long Checks { get; private set; }

    public long StatesExamined { get; private set; }

    public long MaxRangeWidth { get; private set; }

    public double RecallSum { get; private set; }

    /// <summary>Rows whose recall was measured (approximate indexes: rows that passed the key checks).</summary>
    public long RecallRows { get; private set; }

    /// <summary>Rows with recall@k below 0.5 in every version of their range.</summary>
    public long PoorRecallRows { get; private set; }

    public double RecallMin { get; private set; } = 1.0;

    public long ShortRows { get; private set; }

    /// <summary>Time spent checking, in Stopwatch ticks (the searchers' share of the CPU that is not searching).</summary>
    public long CheckTicks { get; private set; }

    public void Check(QueryScores query, ReadOnlySpan<long> keys, ReadOnlySpan<float> scores, TruthState lo, long hiVersion, string what)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            CheckRow(query, keys, scores, lo, hiVersion, what);
        }
        finally
        {
            CheckTicks += System.Diagnostics.Stopwatch.GetTimestamp() - start;
        }
    }

    private void CheckRow(QueryScores query, ReadOnlySpan<long> keys, ReadOnlySpan<float> scores, TruthState lo, long hiVersion, string what)
    {
        Checks++;
        MaxRangeWidth = Math.Max(MaxRangeWidth, hiVersion - lo.Version);
        var n = 0;
        while (n < k && keys[n] != -1)
        {
            n++;
        }
        var slots = new int[n];
        if (!CheckStructure(keys, scores, n, slots, lo, what))
        {
            return;
        }
        query.AdvanceTo(lo);
        if (_scores.Length != lo.Capacity)
        {
            _scores = new double[lo.Capacity];
            _returned = new bool[lo.Capacity];
        }
        Array.Copy(query.Scores, _scores, _scores.Length);
        foreach (var slot in slots)
        {
            _returned[slot] = true;
        }
        try
        {
            if (exact)
            {
                CheckExact(query, scores, slots, lo, hiVersion, what);
            }
            else
            {
                CheckApproximate(query, keys, scores, slots, lo, hiVersion, what);
            }
        }
        finally
        {
            foreach (var slot in slots)
            {
                _returned[slot] = false;
            }
        }
    }

    private bool CheckStructure(ReadOnlySpan<long> keys, ReadOnlySpan<float> scores, int n, int[] slots, TruthState lo, string what)
    {
        var padding = reference.Metric.PaddingScore();
        for (var j = n; j < k; j++)
        {
            if (keys[j] != -1 || !scores[j].Equals(padding))
            {
                return Fail("structure", $"{what}: slot {j} after {n} results holds key {keys[j]} score {scores[j]}, expected padding");
            }
        }
        for (var j = 0; j < n; j++)
        {
            slots[j] = lo.SlotOf(keys[j]);
            if (slots[j] < 0)
            {
                return Fail("unknown-key", $"{what}: rank {j} key {keys[j]} was never in the key space");
            }
            if (!float.IsFinite(scores[j]))
            {
                return Fail("structure", $"{what}: rank {j} key {keys[j]} has score {scores[j]}");
            }
            for (var i = 0; i < j; i++)
            {
                if (keys[i] == keys[j])
                {
                    return Fail("duplicate-key", $"{what}: key {keys[j]} at ranks {i} and {j}");
                }
            }
            if (j > 0 && (reference.HigherIsCloser ? scores[j] > scores[j - 1] : scores[j] < scores[j - 1]))
            {
                return Fail("unsorted", $"{what}: rank {j} score {scores[j]} is closer than rank {j - 1} score {scores[j - 1]}");
            }
        }
        return true;
    }

    private void CheckExact(QueryScores query, ReadOnlySpan<float> scores, int[] slots, TruthState lo, long hiVersion, string what)
    {
        string? firstFailure = null;
        for (var state = lo; state is not null; state = state.Version >= hiVersion ? null : state.Next)
        {
            if (state != lo)
            {
                query.Apply(_scores, state);
            }
            StatesExamined++;
            var failure = ExactFailure(query.Query, scores, slots, state);
            if (failure is null)
            {
                return;
            }
            firstFailure ??= $"v{state.Version}: {failure}";
        }
        Fail("flat-not-exact", $"{what}: no version in [{lo.Version}, {hiVersion}] matches; {firstFailure}");
    }

    private string? ExactFailure(TruthVector query, ReadOnlySpan<float> scores, int[] slots, TruthState state)
    {
        var n = slots.Length;
        var expected = Math.Min(k, state.Count);
        var failure = KeysFailure(query, scores, slots, state, null);
        if (failure is not null)
        {
            return failure;
        }
        if (n != expected)
        {
            return $"{n} results, {expected} stored keys expected";
        }
        for (var j = 1; j < n; j++)
        {
            var tolerance = Math.Max(Tolerance(query, state, slots[j]), Tolerance(query, state, slots[j - 1]));
            if (reference.ClearlyBetter(_scores[slots[j]], _scores[slots[j - 1]], tolerance))
            {
                return $"rank {j} (reference {_scores[slots[j]]:R}) is clearly closer than rank {j - 1} ({_scores[slots[j - 1]]:R})";
            }
        }
        if (n == 0)
        {
            return null;
        }
        var worst = slots[0];
        foreach (var slot in slots)
        {
            worst = reference.ClearlyBetter(_scores[worst], _scores[slot], 0) ? slot : worst;
        }
        var worstTolerance = Tolerance(query, state, worst);
        for (var slot = 0; slot < _scores.Length; slot++)
        {
            // The tolerance is the larger of the two keys'; the slot's is looked up only for the rare near-ties.
            if (!_returned[slot] && !double.IsNaN(_scores[slot])
                && reference.ClearlyBetter(_scores[slot], _scores[worst], worstTolerance)
                && reference.ClearlyBetter(_scores[slot], _scores[worst], Math.Max(worstTolerance, Tolerance(query, state, slot))))
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"missed key {TruthState.KeyOf(slot)} (reference {_scores[slot]:R}), closer than returned key {TruthState.KeyOf(worst)} (reference {_scores[worst]:R})");
            }
        }
        return null;
    }

    private void CheckApproximate(QueryScores query, ReadOnlySpan<long> keys, ReadOnlySpan<float> scores, int[] slots, TruthState lo, long hiVersion, string what)
    {
        var n = slots.Length;
        var matched = new bool[n];
        var bestRecall = 0.0;
        var shortInAll = true;
        string? firstFailure = null;
        for (var state = lo; state is not null; state = state.Version >= hiVersion ? null : state.Next)
        {
            if (state != lo)
            {
                query.Apply(_scores, state);
            }
            StatesExamined++;
            var failure = KeysFailure(query.Query, scores, slots, state, matched); // marks this version's matches
            firstFailure ??= failure is null ? null : $"v{state.Version}: {failure}";
            var expected = Math.Min(k, state.Count);
            shortInAll &= n < expected;
            bestRecall = Math.Max(bestRecall, Recall(query.Query, slots, state, expected));
        }
        for (var j = 0; j < n; j++)
        {
            if (!matched[j])
            {
                Fail("hnsw-key-or-score", $"{what}: rank {j} key {keys[j]} score {scores[j]} matches no version in [{lo.Version}, {hiVersion}]; {firstFailure}");
                return;
            }
        }
        RecallSum += bestRecall;
        RecallRows++;
        PoorRecallRows += bestRecall < 0.5 ? 1 : 0;
        RecallMin = Math.Min(RecallMin, bestRecall);
        ShortRows += shortInAll ? 1 : 0;
    }

    /// <summary>The first returned key that is not stored in <paramref name="state"/> or whose score is off; marks matches.</summary>
    private string? KeysFailure(TruthVector query, ReadOnlySpan<float> scores, int[] slots, TruthState state, bool[]? matched)
    {
        string? failure = null;
        for (var j = 0; j < slots.Length; j++)
        {
            if (state.Get(slots[j]) is not { } stored)
            {
                failure ??= $"rank {j} key {TruthState.KeyOf(slots[j])} is not stored";
            }
            else if (Math.Abs(scores[j] - _scores[slots[j]]) > reference.Tolerance(query, stored))
            {
                failure ??= string.Create(CultureInfo.InvariantCulture,
                    $"rank {j} key {TruthState.KeyOf(slots[j])} score {scores[j]:R}, reference {_scores[slots[j]]:R} (tolerance {reference.Tolerance(query, stored):G3})");
            }
            else if (matched is not null)
            {
                matched[j] = true;
            }
        }
        return failure;
    }

    /// <summary>Returned keys whose reference score is not clearly worse than the k-th best in the version, over min(k, count).</summary>
    private double Recall(TruthVector query, int[] slots, TruthState state, int expected)
    {
        if (expected == 0)
        {
            return 1.0;
        }
        var filled = 0;
        for (var slot = 0; slot < _scores.Length; slot++)
        {
            var s = _scores[slot];
            if (double.IsNaN(s) || (filled == expected && !reference.ClearlyBetter(s, _best[expected - 1], 0)))
            {
                continue;
            }
            var at = filled == expected ? expected - 1 : filled++;
            while (at > 0 && reference.ClearlyBetter(s, _best[at - 1], 0))
            {
                _best[at] = _best[at - 1];
                at--;
            }
            _best[at] = s;
        }
        var kth = _best[expected - 1];
        var hits = 0;
        foreach (var slot in slots)
        {
            if (state.Get(slot) is { } stored && !reference.ClearlyBetter(kth, _scores[slot], reference.Tolerance(query, stored)))
            {
                hits++;
            }
        }
        return Math.Min(hits, expected) / (double)expected;
    }

    private double Tolerance(TruthVector query, TruthState state, int slot) =>
        state.Get(slot) is { } stored ? reference.Tolerance(query, stored) : 0;

    private bool Fail(string kind, string message)
    {
        errors.Add(kind, message);
        return false;
    }
}
