using MultiModal.Index;

namespace MultiModal.Bench.Soak.Truth;

/// <summary>
/// Float64 reference scores in an index metric, and the tolerance a float32 index may differ by: relative to the
/// magnitudes involved (1 for cosine, ‖q‖·‖x‖ for inner product, ‖q‖² + ‖x‖² for squared L2, which FAISS-style
/// indexes compute as ‖q‖² − 2q·x + ‖x‖² with cancellation).
/// </summary>
internal sealed class ReferenceScore(Metric metric, double relativeTolerance)
{
    public Metric Metric { get; } = metric;

    public bool HigherIsCloser { get; } = metric.HigherIsCloser();

    public double Score(TruthVector query, TruthVector x) => Metric switch
    {
        Metric.InnerProduct => TruthVector.Dot(query.Values, x.Values),
        Metric.Cosine => TruthVector.Dot(query.Values, x.Values) / (query.Norm * x.Norm),
        _ => TruthVector.SquaredDistance(query.Values, x.Values),
    };

    public double Tolerance(TruthVector query, TruthVector x) => relativeTolerance * Metric switch
    {
        Metric.Cosine => 1.0,
        Metric.InnerProduct => Math.Max(query.Norm * x.Norm, 1e-3),
        _ => Math.Max((query.Norm * query.Norm) + (x.Norm * x.Norm), 1e-3),
    };

    /// <summary>Whether <paramref name="a"/> is closer than <paramref name="b"/> by more than <paramref name="tolerance"/>.</summary>
    public bool ClearlyBetter(double a, double b, double tolerance) => HigherIsCloser ? a > b + tolerance : a < b - tolerance;
}
