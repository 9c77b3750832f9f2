namespace MultiModal.Eval;

/// <summary>The outcome of a zero-shot classification evaluation.</summary>
/// <param name="Overall">All samples ranked among all classes: CLIP_benchmark's <c>acc1</c>, <c>acc5</c>, <c>mean_per_class_recall</c>.</param>
/// <param name="Subset">The class-subset metrics when a subset was asked for, else null.</param>
public sealed record ZeroShotEvalResult(ClassificationScores Overall, ZeroShotSubsetScores? Subset)
{
    /// <summary>
    /// The metrics under report names: <c>acc1</c>, <c>acc5</c>, <c>mean_per_class_recall</c>, then with a subset
    /// <c>subset_acc1</c>, <c>subset_acc5</c>, <c>subset_mean_per_class_recall</c> and the same three prefixed
    /// <c>subset_restricted_</c>.
    /// </summary>
    public IReadOnlyList<EvalMetric> ToMetrics()
    {
        var metrics = new List<EvalMetric>(9);
        Add(metrics, "", Overall);
        if (Subset is not null)
        {
            Add(metrics, "subset_", Subset.AllClasses);
            Add(metrics, "subset_restricted_", Subset.SubsetClasses);
        }
        return metrics;
    }

    private static void Add(List<EvalMetric> metrics, string prefix, ClassificationScores scores)
    {
        metrics.Add(new EvalMetric(prefix + "acc1", scores.Acc1));
        metrics.Add(new EvalMetric(prefix + "acc5", scores.Acc5));
        metrics.Add(new EvalMetric(prefix + "mean_per_class_recall", scores.MeanPerClassRecall));
    }
}
