namespace MultiModal.Eval;

/// <summary>One named metric value as reports write it (<c>acc1</c>, <c>image_retrieval_recall@5</c>, ...).</summary>
/// <param name="Name">The metric's name, CLIP_benchmark's spelling.</param>
/// <param name="Value">The value, a fraction in [0, 1] for every metric of this harness.</param>
public sealed record EvalMetric(string Name, double Value);
