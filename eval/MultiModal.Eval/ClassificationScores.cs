namespace MultiModal.Eval;

/// <summary>Single-label classification metrics, as CLIP_benchmark's <c>zeroshot_classification.evaluate</c> names them.</summary>
/// <param name="Acc1">Top-1 accuracy: the fraction of samples whose true class ranks first.</param>
/// <param name="Acc5">Top-k accuracy with k = <see cref="TopK"/>: the fraction of samples whose true class ranks among the first k.</param>
/// <param name="MeanPerClassRecall">
/// The mean over classes that have at least one sample of that class's top-1 recall (scikit-learn's
/// <c>balanced_accuracy_score</c>, which CLIP_benchmark reports).
/// </param>
/// <param name="Samples">Samples scored.</param>
/// <param name="Classes">Candidate classes each sample was ranked among.</param>
/// <param name="TopK">The k of <see cref="Acc5"/>: 5, or the class count when there are fewer classes.</param>
public sealed record ClassificationScores(double Acc1, double Acc5, double MeanPerClassRecall, int Samples, int Classes, int TopK);
