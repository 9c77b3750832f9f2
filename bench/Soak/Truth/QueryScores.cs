namespace MultiModal.Bench.Soak.Truth;

/// <summary>
/// The float64 reference score of one fixed query against every key slot (NaN where no vector is stored) at one
/// ground-truth version, advanced forward by recomputing only the slots each later version changed. A searcher
/// re-asks a small pool of queries, so re-checking a result costs the writer's changes since the last check plus a
/// copy and scan of this array, not a pass over every stored vector.
/// </summary>
internal sealed class QueryScores
{
    private readonly ReferenceScore _reference;

    public QueryScores(float[] query, TruthState state, ReferenceScore reference)
    {
        _reference = reference;
        Query = new TruthVector(query);
        At = state;
        Scores = new double[state.Capacity];
        Array.Fill(Scores, double.NaN);
        state.ForEach((slot, v) => Scores[slot] = reference.Score(Query, v));
    }

    public TruthVector Query { get; }

    /// <summary>The version <see cref="Scores"/> describe (held, so every later version stays reachable).</summary>
    public TruthState At { get; private set; }

    public double[] Scores { get; }

    /// <summary>Moves <see cref="Scores"/> forward to <paramref name="target"/> (which must not be older).</summary>
    public void AdvanceTo(TruthState target)
    {
        if (target.Version < At.Version)
        {
            throw new InvalidOperationException($"Cannot move query scores back from version {At.Version} to {target.Version}.");
        }
        while (At != target)
        {
            At = At.Next ?? throw new InvalidOperationException($"Version {At.Version} has no successor on the way to {target.Version}.");
            Apply(Scores, At);
        }
    }

    /// <summary>Updates <paramref name="scores"/> from the previous version to <paramref name="state"/> (its changed slots only).</summary>
    public void Apply(double[] scores, TruthState state)
    {
        foreach (var slot in state.Changed)
        {
            scores[slot] = state.Get(slot) is { } v ? _reference.Score(Query, v) : double.NaN;
        }
    }
}
