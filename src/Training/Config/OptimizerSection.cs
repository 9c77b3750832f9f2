namespace MultiModal.Training.Config;

/// <summary>The <c>optimizer</c> section: AdamW's settings (defaults: OpenCLIP's for ViT training).</summary>
public sealed record OptimizerSection
{
    /// <summary>Peak learning rate (after warmup).</summary>
    public double Lr { get; init; } = 5e-4;

    /// <summary>Decoupled weight decay for the decayed group (see <see cref="Optim.WeightDecayRule"/> for what is excluded).</summary>
    public double WeightDecay { get; init; } = 0.2;

    /// <summary>Adam β1.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam β2.</summary>
    public double Beta2 { get; init; } = 0.98;

    /// <summary>Adam ε.</summary>
    public double Eps { get; init; } = 1e-6;

    /// <summary>
    /// Learning-rate multipliers by parameter-name prefix (longest match wins; unmatched parameters get 1), e.g.
    /// <c>{"visual.": 0.1, "text.": 0.1}</c> to fine-tune a pretrained backbone ten times slower than its new heads.
    /// </summary>
    public IReadOnlyDictionary<string, double> LrMultipliers { get; init; } = new Dictionary<string, double>();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (!(Lr > 0) || double.IsInfinity(Lr))
        {
            throw new ArgumentOutOfRangeException("optimizer.lr", Lr, "optimizer.lr must be a positive finite number.");
        }
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay))
        {
            throw new ArgumentOutOfRangeException("optimizer.weight_decay", WeightDecay, "optimizer.weight_decay must be ≥ 0.");
        }
        if (!(Beta1 >= 0 && Beta1 < 1))
        {
            throw new ArgumentOutOfRangeException("optimizer.beta1", Beta1, "optimizer.beta1 must lie in [0, 1).");
        }
        if (!(Beta2 >= 0 && Beta2 < 1))
        {
            throw new ArgumentOutOfRangeException("optimizer.beta2", Beta2, "optimizer.beta2 must lie in [0, 1).");
        }
        if (!(Eps > 0))
        {
            throw new ArgumentOutOfRangeException("optimizer.eps", Eps, "optimizer.eps must be positive.");
        }
        ArgumentNullException.ThrowIfNull(LrMultipliers, "optimizer.lr_multipliers");
        foreach (var (prefix, multiplier) in LrMultipliers)
        {
            if (string.IsNullOrEmpty(prefix) || !(multiplier >= 0) || double.IsInfinity(multiplier))
            {
                throw new ArgumentOutOfRangeException("optimizer.lr_multipliers", $"optimizer.lr_multipliers['{prefix}'] = {multiplier}: prefixes must be non-empty and multipliers finite and ≥ 0.");
            }
        }
    }
}
