namespace MultiModal.Eval;

/// <summary>Image-text retrieval recall at each requested k.</summary>
/// <param name="Recalls">One entry per k, in the order the k's were given.</param>
/// <param name="Images">Images in the gallery (including any without captions, which only act as distractors).</param>
/// <param name="Texts">Captions in the gallery; each is one text→image query.</param>
/// <param name="ImageQueries">Images with at least one caption: the image→text queries.</param>
public sealed record RetrievalScores(IReadOnlyList<RecallAtK> Recalls, int Images, int Texts, int ImageQueries)
{
    /// <summary>
    /// The metrics under CLIP_benchmark's names, for each k in order: <c>image_retrieval_recall@k</c> then
    /// <c>text_retrieval_recall@k</c>.
    /// </summary>
    public IReadOnlyList<EvalMetric> ToMetrics()
    {
        var metrics = new List<EvalMetric>(Recalls.Count * 2);
        foreach (var r in Recalls)
        {
            metrics.Add(new EvalMetric(FormattableString.Invariant($"image_retrieval_recall@{r.K}"), r.ImageRetrieval));
            metrics.Add(new EvalMetric(FormattableString.Invariant($"text_retrieval_recall@{r.K}"), r.TextRetrieval));
        }
        return metrics;
    }
}
