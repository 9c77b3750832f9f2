namespace MultiModal.Training.Data;

/// <summary>
/// The first <c>n</c> samples of every class of a classification set, in the inner order: a deterministic, balanced
/// subset for a quick or few-shot run (the training config's <c>data.max_per_class</c>). Thread-safe when the inner
/// dataset is.
/// </summary>
public sealed class PerClassLimitDataset : IImageTextDataset
{
    private readonly IImageTextDataset inner;
    private readonly int[] indices;

    private PerClassLimitDataset(IImageTextDataset inner, int[] indices, int limit)
    {
        this.inner = inner;
        this.indices = indices;
        Name = $"{inner.Name}-max{limit}";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Count => indices.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string>? ClassNames => inner.ClassNames;

    /// <inheritdoc/>
    public ImageTextSample this[int index] => inner[indices[index]];

    /// <summary>Keeps at most <paramref name="perClass"/> samples of each label.</summary>
    /// <exception cref="ArgumentException">The dataset has no class names or a sample has no label.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="perClass"/> is not positive.</exception>
    public static PerClassLimitDataset Create(IImageTextDataset classification, int perClass)
    {
        ArgumentNullException.ThrowIfNull(classification);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perClass);
        var names = classification.ClassNames
            ?? throw new ArgumentException($"Dataset {classification.Name} has no classes to limit per class.", nameof(classification));
        var taken = new int[names.Count];
        var kept = new List<int>();
        for (int i = 0; i < classification.Count; i++)
        {
            int label = classification[i].Label;
            if (label < 0 || label >= names.Count)
            {
                throw new ArgumentException($"Dataset {classification.Name}: sample {i} has label {label}, outside its {names.Count} classes.", nameof(classification));
            }
            if (taken[label] < perClass)
            {
                taken[label]++;
                kept.Add(i);
            }
        }
        return new PerClassLimitDataset(classification, [.. kept], perClass);
    }
}
