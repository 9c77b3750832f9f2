namespace MultiModal.Eval;

/// <summary>Metrics over the samples of a class subset (see <see cref="ZeroShotEvalOptions.SubsetClasses"/>).</summary>
/// <param name="ClassIndices">The subset's class indices, ascending.</param>
/// <param name="AllClasses">Subset samples ranked among all the dataset's classes (<c>subset_*</c>).</param>
/// <param name="SubsetClasses">Subset samples ranked among the subset's classes only (<c>subset_restricted_*</c>).</param>
public sealed record ZeroShotSubsetScores(IReadOnlyList<int> ClassIndices, ClassificationScores AllClasses, ClassificationScores SubsetClasses);
