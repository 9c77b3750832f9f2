namespace MultiModal.Training.Config;

/// <summary>The <c>data</c> section of a training config.</summary>
public sealed record DataSection
{
    /// <summary>Dataset specs for training (the strings <c>DatasetSpec.Open</c> reads, e.g. <c>imagefolder:/data/pets/train</c>).</summary>
    public IReadOnlyList<string> Train { get; init; } = [];

    /// <summary>Dataset specs for evaluation (the linear probe's test split); may be empty.</summary>
    public IReadOnlyList<string> Eval { get; init; } = [];

    /// <summary>Caption templates for classification sets (<c>{}</c> is replaced by the class name); used when a sample has no captions.</summary>
    public IReadOnlyList<string> Templates { get; init; } = ["a photo of a {}."];

    /// <summary>Class names whose samples are left out of training (kept for zero-shot evaluation of unseen classes).</summary>
    public IReadOnlyList<string> HeldOutClasses { get; init; } = [];

    /// <summary>
    /// At most this many samples of each class of the training set (the first ones in dataset order), for quick or
    /// few-shot runs on classification sets; null uses every sample.
    /// </summary>
    public int? MaxPerClass { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate(TrainingMode mode)
    {
        if (Train is null || Train.Count == 0 || Train.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentOutOfRangeException("data.train", "data.train must list at least one non-empty dataset spec.");
        }
        if (Eval is null || Eval.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentOutOfRangeException("data.eval", "data.eval must not hold empty dataset specs.");
        }
        if (Templates is null || Templates.Count == 0 || Templates.Any(t => t is null || !t.Contains("{}", StringComparison.Ordinal)))
        {
            throw new ArgumentOutOfRangeException("data.templates", "data.templates must list at least one template, each containing '{}'.");
        }
        if (HeldOutClasses is null || HeldOutClasses.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentOutOfRangeException("data.held_out_classes", "data.held_out_classes must not hold empty names.");
        }
        if (MaxPerClass is <= 0)
        {
            throw new ArgumentOutOfRangeException("data.max_per_class", MaxPerClass, "data.max_per_class must be positive (or absent for every sample).");
        }
        if (mode == TrainingMode.LinearProbe && Eval.Count == 0)
        {
            throw new ArgumentOutOfRangeException("data.eval", "mode linear-probe needs data.eval (the split the probe's accuracy is measured on).");
        }
    }
}
