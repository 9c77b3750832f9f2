namespace MultiModal.Index;

/// <summary>How an index compares vectors.</summary>
public enum Metric
{
    /// <summary>Inner product; larger is closer. Vectors are used as given.</summary>
    InnerProduct,

    /// <summary>Cosine similarity; larger is closer. Vectors and queries are L2-normalised on the way in.</summary>
    Cosine,

    /// <summary>Squared Euclidean distance (as FAISS reports it); smaller is closer.</summary>
    L2,
}

/// <summary>Properties of <see cref="Metric"/> values.</summary>
public static class MetricExtensions
{
    /// <summary>Whether a larger score means a closer vector (inner product, cosine) or a smaller one (L2).</summary>
    public static bool HigherIsCloser(this Metric metric) => metric switch
    {
        Metric.InnerProduct or Metric.Cosine => true,
        Metric.L2 => false,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };

    /// <summary>The score that pads result slots beyond the number of stored vectors: the worst possible value.</summary>
    public static float PaddingScore(this Metric metric) => metric.HigherIsCloser() ? float.NegativeInfinity : float.PositiveInfinity;
}
