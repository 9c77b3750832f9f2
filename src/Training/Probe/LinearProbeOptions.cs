namespace MultiModal.Training.Probe;

/// <summary>Settings of the linear probe's logistic regression.</summary>
public sealed record LinearProbeOptions
{
    /// <summary>Full-batch AdamW steps.</summary>
    public int Steps { get; init; } = 300;

    /// <summary>AdamW learning rate (constant).</summary>
    public double Lr { get; init; } = 1e-2;

    /// <summary>Decoupled weight decay on the weights (not the bias): the regulariser.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>L2-normalise the features first (as CLIP embeddings are compared).</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (Steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Steps must be ≥ 1.");
        }
        if (!(Lr > 0) || double.IsInfinity(Lr))
        {
            throw new ArgumentOutOfRangeException(nameof(Lr), Lr, "Lr must be a positive finite number.");
        }
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "WeightDecay must be ≥ 0.");
        }
    }
}
