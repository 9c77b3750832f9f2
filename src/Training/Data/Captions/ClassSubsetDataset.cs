namespace MultiModal.Training.Data;

/// <summary>
/// The samples of a classification set whose label is in a chosen set of classes, in the inner order: hold classes out
/// of training (<see cref="Exclude"/>) and evaluate on them afterwards (<see cref="Keep"/>).
/// </summary>
/// <remarks>
/// By default labels and <see cref="ClassNames"/> are the inner ones, so a held-out evaluation still ranks among every
/// class. With <c>remapLabels</c> the kept classes become 0..k-1 in their original order and <see cref="ClassNames"/>
/// lists only them, so zero-shot evaluation ranks among the held-out classes alone.
/// Thread-safe when the inner dataset is.
/// </remarks>
public sealed class ClassSubsetDataset : IImageTextDataset
{
    private readonly IImageTextDataset inner;
    private readonly int[] indices;
    private readonly int[]? labelMap;

    private ClassSubsetDataset(IImageTextDataset inner, string name, int[] indices, int[]? labelMap, IReadOnlyList<string> classNames, int[] keptLabels)
    {
        this.inner = inner;
        Name = name;
        this.indices = indices;
        this.labelMap = labelMap;
        ClassNames = classNames;
        KeptLabels = keptLabels;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Count => indices.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The inner labels kept, ascending.</summary>
    public IReadOnlyList<int> KeptLabels { get; }

    /// <inheritdoc/>
    public ImageTextSample this[int index]
    {
        get
        {
            ImageTextSample sample = inner[indices[index]];
            return labelMap is null ? sample : sample with { Label = labelMap[sample.Label] };
        }
    }

    /// <summary>The inner index of subset sample <paramref name="index"/>.</summary>
    public int InnerIndex(int index) => indices[index];

    /// <summary>Keeps the samples whose label is in <paramref name="labels"/>.</summary>
    /// <param name="classification">A dataset with class names.</param>
    /// <param name="labels">Class indices to keep (duplicates ignored).</param>
    /// <param name="remapLabels">Renumber the kept classes 0..k-1 and list only their names.</param>
    /// <exception cref="ArgumentException">The dataset has no class names, a label is out of range, or the set is empty.</exception>
    public static ClassSubsetDataset Keep(IImageTextDataset classification, IEnumerable<int> labels, bool remapLabels = false)
    {
        ArgumentNullException.ThrowIfNull(classification);
        ArgumentNullException.ThrowIfNull(labels);
        IReadOnlyList<string> names = RequireNames(classification);
        int[] kept = labels.Distinct().Order().ToArray();
        if (kept.Length == 0)
        {
            throw new ArgumentException("No classes to keep.", nameof(labels));
        }
        foreach (int label in kept)
        {
            if ((uint)label >= (uint)names.Count)
            {
                throw new ArgumentException($"Class {label} is outside [0, {names.Count}) of {classification.Name}.", nameof(labels));
            }
        }
        var keep = new bool[names.Count];
        foreach (int label in kept)
        {
            keep[label] = true;
        }
        var indices = new List<int>();
        for (int i = 0; i < classification.Count; i++)
        {
            int label = classification[i].Label;
            if ((uint)label < (uint)keep.Length && keep[label])
            {
                indices.Add(i);
            }
        }
        int[]? map = null;
        IReadOnlyList<string> subsetNames = names;
        if (remapLabels)
        {
            map = Enumerable.Repeat(-1, names.Count).ToArray();
            for (int k = 0; k < kept.Length; k++)
            {
                map[kept[k]] = k;
            }
            subsetNames = kept.Select(l => names[l]).ToArray();
        }
        string name = $"{classification.Name}-classes-{string.Join('.', kept)}";
        return new ClassSubsetDataset(classification, name, indices.ToArray(), map, subsetNames, kept);
    }

    /// <summary>Keeps the samples whose label is NOT in <paramref name="labels"/> (e.g. training without held-out classes).</summary>
    /// <exception cref="ArgumentException">The dataset has no class names, a label is out of range, or nothing would be kept.</exception>
    public static ClassSubsetDataset Exclude(IImageTextDataset classification, IEnumerable<int> labels, bool remapLabels = false)
    {
        ArgumentNullException.ThrowIfNull(classification);
        ArgumentNullException.ThrowIfNull(labels);
        IReadOnlyList<string> names = RequireNames(classification);
        var excluded = labels.ToHashSet();
        foreach (int label in excluded)
        {
            if ((uint)label >= (uint)names.Count)
            {
                throw new ArgumentException($"Class {label} is outside [0, {names.Count}) of {classification.Name}.", nameof(labels));
            }
        }
        return Keep(classification, Enumerable.Range(0, names.Count).Where(l => !excluded.Contains(l)), remapLabels);
    }

    /// <summary>Label indices of <paramref name="classNames"/> in <paramref name="classification"/> (ordinal match).</summary>
    /// <exception cref="ArgumentException">A name is not a class of the dataset.</exception>
    public static int[] LabelsOf(IImageTextDataset classification, IEnumerable<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classification);
        ArgumentNullException.ThrowIfNull(classNames);
        IReadOnlyList<string> names = RequireNames(classification);
        return classNames.Select(n =>
        {
            for (int i = 0; i < names.Count; i++)
            {
                if (string.Equals(names[i], n, StringComparison.Ordinal))
                {
                    return i;
                }
            }
            throw new ArgumentException($"'{n}' is not a class of {classification.Name} ({string.Join(", ", names)}).", nameof(classNames));
        }).ToArray();
    }

    private static IReadOnlyList<string> RequireNames(IImageTextDataset dataset) =>
        dataset.ClassNames ?? throw new ArgumentException($"Dataset {dataset.Name} has no class names.", nameof(dataset));
}
