namespace MultiModal.Training.Data;

/// <summary>
/// Several datasets read as one, in order (a training config may list several <c>data.train</c> specs). Classification
/// sets concatenate only when their class lists are equal, so labels keep their meaning. Thread-safe when the parts are.
/// </summary>
public sealed class ConcatDataset : IImageTextDataset
{
    private readonly IImageTextDataset[] parts;
    private readonly int[] starts;

    private ConcatDataset(IImageTextDataset[] parts)
    {
        this.parts = parts;
        starts = new int[parts.Length];
        long total = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            starts[i] = (int)total;
            total += parts[i].Count;
        }
        Count = total <= int.MaxValue ? (int)total : throw new ArgumentException($"The datasets hold {total} samples together, more than {int.MaxValue}.", nameof(parts));
        Name = string.Join("+", parts.Select(p => p.Name));
        ClassNames = parts[0].ClassNames;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Count { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <inheritdoc/>
    public ImageTextSample this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            int part = Array.BinarySearch(starts, index);
            if (part < 0)
            {
                part = ~part - 1;
            }
            // Empty parts share a start with the next part: step to the part that holds the index.
            while (index - starts[part] >= parts[part].Count)
            {
                part++;
            }
            return parts[part][index - starts[part]];
        }
    }

    /// <summary>One dataset as is, or several concatenated.</summary>
    /// <exception cref="ArgumentException">No datasets, or class lists that differ (one has classes, another has other or none).</exception>
    public static IImageTextDataset Create(IReadOnlyList<IImageTextDataset> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        if (datasets.Count == 0)
        {
            throw new ArgumentException("At least one dataset is needed.", nameof(datasets));
        }
        if (datasets.Count == 1)
        {
            return datasets[0];
        }
        var first = datasets[0].ClassNames;
        foreach (var d in datasets.Skip(1))
        {
            bool same = first is null ? d.ClassNames is null : d.ClassNames is not null && first.SequenceEqual(d.ClassNames);
            if (!same)
            {
                throw new ArgumentException($"Datasets {datasets[0].Name} and {d.Name} have different class lists; only sets with equal classes concatenate.", nameof(datasets));
            }
        }
        return new ConcatDataset([.. datasets]);
    }
}
