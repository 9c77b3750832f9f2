namespace MultiModal.Eval;

/// <summary>Settings of an image-text retrieval evaluation.</summary>
public sealed record RetrievalEvalOptions
{
    /// <summary>The k's of recall@k, each ≥ 1 and distinct (default 1, 5, 10).</summary>
    public IReadOnlyList<int> Ks { get; init; } = RetrievalMetrics.DefaultKs;

    /// <summary>Images per forward pass.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Captions per forward pass.</summary>
    public int TextBatchSize { get; init; } = 256;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A batch size below 1.</exception>
    /// <exception cref="ArgumentException">No k's, a k below 1, or a repeated k.</exception>
    public void Validate()
    {
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        }
        if (TextBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TextBatchSize), TextBatchSize, "TextBatchSize must be at least 1.");
        }
        ArgumentNullException.ThrowIfNull(Ks, nameof(Ks));
        if (Ks.Count == 0 || Ks.Any(k => k < 1) || Ks.Distinct().Count() != Ks.Count)
        {
            throw new ArgumentException($"Ks must be distinct integers ≥ 1, got [{string.Join(", ", Ks)}].", nameof(Ks));
        }
    }
}
