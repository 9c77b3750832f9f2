namespace MultiModal.Eval;

/// <summary>
/// Top-1/top-5 accuracy and mean per-class recall of single-label classification from a score matrix, with
/// deterministic tie-breaking.
/// </summary>
/// <remarks>
/// <para>
/// Ranking: candidate classes are ordered by score, highest first; equal scores are ordered by class index, lower
/// first. A sample's rank is the number of candidates ordered before its true class, so top-k holds when the rank is
/// below k, and the prediction (for per-class recall) is the first class in that order. CLIP_benchmark uses
/// <c>torch.topk</c>, whose order among ties is unspecified; away from exact ties the two agree.
/// </para>
/// <para>
/// Top-5 is capped at the candidate count (with 3 classes it is top-3 accuracy, i.e. 1). CLIP_benchmark writes NaN for
/// <c>acc5</c> when a dataset has fewer than 5 classes; JSON has no NaN, so the capped value is reported instead.
/// </para>
/// </remarks>
public static class ClassificationMetrics
{
    /// <summary>The k of <c>acc5</c> before capping at the class count.</summary>
    public const int TopK = 5;

    /// <summary>Scores samples from their class scores.</summary>
    /// <param name="scores">One row per sample, one score per class (logits, cosines or probabilities: only order matters), [N][C].</param>
    /// <param name="labels">The true class of each sample, N entries in [0, C).</param>
    /// <param name="candidateClasses">
    /// Rank each sample among these classes only (ignoring the other columns), e.g. a held-out subset; every label must
    /// be one of them. Null: all C classes.
    /// </param>
    /// <exception cref="ArgumentException">No samples, ragged rows, a label out of range or not a candidate, a NaN score, or bad candidates.</exception>
    public static ClassificationScores Compute(IReadOnlyList<float[]> scores, IReadOnlyList<int> labels, IReadOnlyList<int>? candidateClasses = null)
    {
        int classes = VectorMath.CheckRows(scores, nameof(scores));
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.Count == 0)
        {
            throw new ArgumentException("No samples to score.", nameof(scores));
        }
        if (labels.Count != scores.Count)
        {
            throw new ArgumentException($"{labels.Count} labels for {scores.Count} score rows.", nameof(labels));
        }
        var candidates = CandidateMask(candidateClasses, classes, nameof(candidateClasses));
        var tally = new ClassificationTally(classes, candidates?.Count(c => c) ?? classes);
        for (var i = 0; i < scores.Count; i++)
        {
            CheckLabel(labels[i], i, classes, candidates, nameof(labels));
            tally.Add(labels[i], Rank(scores[i], labels[i], candidates, i));
        }
        return tally.ToScores();
    }

    /// <summary>
    /// The 0-based rank of <paramref name="label"/> among the candidates of <paramref name="row"/>: how many candidates
    /// score higher, plus how many lower-indexed candidates score the same.
    /// </summary>
    internal static int Rank(ReadOnlySpan<float> row, int label, bool[]? candidates, int sample)
    {
        float own = row[label];
        if (float.IsNaN(own))
        {
            throw new ArgumentException($"Sample {sample}: the score of its class {label} is NaN.");
        }
        int rank = 0;
        for (var c = 0; c < row.Length; c++)
        {
            if (c == label || (candidates is not null && !candidates[c]))
            {
                continue;
            }
            float s = row[c];
            if (float.IsNaN(s))
            {
                throw new ArgumentException($"Sample {sample}: the score of class {c} is NaN.");
            }
            if (s > own || (s == own && c < label))
            {
                rank++;
            }
        }
        return rank;
    }

    /// <summary>A class-index mask from a candidate list (null for all classes).</summary>
    internal static bool[]? CandidateMask(IReadOnlyList<int>? candidateClasses, int classCount, string paramName)
    {
        if (candidateClasses is null)
        {
            return null;
        }
        if (candidateClasses.Count == 0)
        {
            throw new ArgumentException("The candidate class list is empty.", paramName);
        }
        var mask = new bool[classCount];
        foreach (var c in candidateClasses)
        {
            if (c < 0 || c >= classCount)
            {
                throw new ArgumentException($"Candidate class {c} is outside [0, {classCount}).", paramName);
            }
            mask[c] = true;
        }
        return mask;
    }

    internal static void CheckLabel(int label, int sample, int classCount, bool[]? candidates, string paramName)
    {
        if (label < 0 || label >= classCount)
        {
            throw new ArgumentException($"Sample {sample} has label {label}, outside [0, {classCount}).", paramName);
        }
        if (candidates is not null && !candidates[label])
        {
            throw new ArgumentException($"Sample {sample} has label {label}, which is not a candidate class.", paramName);
        }
    }
}
