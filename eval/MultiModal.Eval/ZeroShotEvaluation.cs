using MultiModal.Encoders;
using MultiModal.Index.ZeroShot;
using MultiModal.Training.Data;

namespace MultiModal.Eval;

/// <summary>
/// Zero-shot classification evaluation (CLIP_benchmark's <c>zeroshot_classification</c>): class weights from prompt
/// templates, every image ranked against them, top-1/top-5 accuracy and mean per-class recall.
/// </summary>
/// <remarks>
/// Scores are the cosine similarities of unit-length image embeddings and class weights (the logits without the
/// logit scale, which does not change the order). Ranking and tie-breaking are those of
/// <see cref="ClassificationMetrics"/>: equal scores rank the lower class index first.
/// </remarks>
public static class ZeroShotEvaluation
{
    private const int BlockSize = 64;

    /// <summary>Builds the classifier from the dataset's class names, encodes every image and scores it.</summary>
    /// <param name="encoder">The model (borrowed, not disposed).</param>
    /// <param name="dataset">A classification dataset: <see cref="IImageTextDataset.ClassNames"/> set and every label in range.</param>
    /// <param name="options">Templates, subset and batch size.</param>
    /// <param name="progress">Receives each stage's progress: class weights, images, scoring.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <exception cref="ArgumentException">Bad options, a dataset without class names or samples, or a subset name the dataset lacks.</exception>
    /// <exception cref="InvalidDataException">A sample's label is outside the class list, or no sample belongs to the subset.</exception>
    /// <exception cref="Encoders.Imaging.ImageBatchException">An image could not be read; names it.</exception>
    public static ZeroShotEvalResult Evaluate(IMultimodalEncoder encoder, IImageTextDataset dataset, ZeroShotEvalOptions options,
        IProgress<EvalProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var classNames = dataset.ClassNames;
        if (classNames is null || classNames.Count == 0)
        {
            throw new ArgumentException($"Dataset '{dataset.Name}' has no class names: zero-shot classification needs a classification set.", nameof(dataset));
        }
        if (dataset.Count == 0)
        {
            throw new ArgumentException($"Dataset '{dataset.Name}' is empty.", nameof(dataset));
        }
        var subset = options.SubsetClasses is null ? null : ResolveSubset(classNames, options.SubsetClasses);
        var samples = DatasetEncoding.ReadSamples(dataset, cancellationToken);
        var labels = new int[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            labels[i] = samples[i].Label;
            if (labels[i] < 0 || labels[i] >= classNames.Count)
            {
                throw new InvalidDataException($"{dataset.Name}: sample {i} ({samples[i].Image.Name}) has label {labels[i]}, outside the {classNames.Count} classes.");
            }
        }
        if (subset is not null && !labels.Any(l => subset.Contains(l)))
        {
            throw new InvalidDataException($"{dataset.Name}: no sample belongs to the subset ({string.Join(", ", options.SubsetClasses!)}).");
        }

        var classProgress = progress is null ? null : new SyncProgress<int>(n => progress.Report(new EvalProgress(EvalStage.ClassWeights, n, classNames.Count)));
        progress?.Report(new EvalProgress(EvalStage.ClassWeights, 0, classNames.Count));
        var classifier = ZeroShotClassifier.Create(encoder, classNames, options.Templates, classProgress, cancellationToken);
        var images = DatasetEncoding.EncodeImages(encoder, samples, options.BatchSize, progress, cancellationToken);
        return Score(classifier.Weights, images, labels, subset?.Order().ToArray(), progress, cancellationToken);
    }

    /// <summary>Scores image embeddings against class weights: the pure part of <see cref="Evaluate"/>.</summary>
    /// <param name="classWeights">One row per class, [C][D] (unit length for cosine scores).</param>
    /// <param name="imageEmbeddings">One row per sample, [N][D].</param>
    /// <param name="labels">Each sample's class, N entries in [0, C).</param>
    /// <param name="subsetClasses">Class indices to report separately (see <see cref="ZeroShotEvalOptions.SubsetClasses"/>), or null.</param>
    /// <param name="progress">Receives <see cref="EvalStage.Scoring"/> progress in images.</param>
    /// <param name="cancellationToken">Stops between blocks of images.</param>
    /// <exception cref="ArgumentException">Empty or ragged inputs, widths that differ, a label out of range, a NaN score, or a subset without samples.</exception>
    public static ZeroShotEvalResult Score(IReadOnlyList<float[]> classWeights, IReadOnlyList<float[]> imageEmbeddings, IReadOnlyList<int> labels,
        IReadOnlyList<int>? subsetClasses = null, IProgress<EvalProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        int width = VectorMath.CheckRows(classWeights, nameof(classWeights));
        VectorMath.CheckRows(imageEmbeddings, nameof(imageEmbeddings), width);
        ArgumentNullException.ThrowIfNull(labels);
        int classes = classWeights.Count, n = imageEmbeddings.Count;
        if (classes == 0 || n == 0)
        {
            throw new ArgumentException($"Scoring needs classes and images; got {classes} classes and {n} images.", nameof(classWeights));
        }
        if (labels.Count != n)
        {
            throw new ArgumentException($"{labels.Count} labels for {n} images.", nameof(labels));
        }
        for (var i = 0; i < n; i++)
        {
            ClassificationMetrics.CheckLabel(labels[i], i, classes, null, nameof(labels));
        }
        var mask = ClassificationMetrics.CandidateMask(subsetClasses, classes, nameof(subsetClasses));
        int subsetSize = mask?.Count(m => m) ?? 0;
        if (mask is not null && !labels.Any(l => mask[l]))
        {
            throw new ArgumentException("No sample belongs to the subset classes.", nameof(subsetClasses));
        }

        var overall = new ClassificationTally(classes, classes);
        var subsetAll = new ClassificationTally(classes, classes);
        var subsetOnly = new ClassificationTally(classes, Math.Max(1, subsetSize));
        var gate = new object();
        int done = 0, blocks = (n + BlockSize - 1) / BlockSize;
        progress?.Report(new EvalProgress(EvalStage.Scoring, 0, n));
        ParallelBlocks.Run(blocks, cancellationToken,
            () => new Local(new float[classes], new ClassificationTally(classes, classes), new ClassificationTally(classes, classes), new ClassificationTally(classes, Math.Max(1, subsetSize))),
            (block, local) =>
            {
                int end = Math.Min(n, (block + 1) * BlockSize);
                for (var i = block * BlockSize; i < end; i++)
                {
                    for (var c = 0; c < classes; c++)
                    {
                        local.Row[c] = VectorMath.Dot(imageEmbeddings[i], classWeights[c]);
                    }
                    int label = labels[i], rank = ClassificationMetrics.Rank(local.Row, label, null, i);
                    local.Overall.Add(label, rank);
                    if (mask is not null && mask[label])
                    {
                        local.SubsetAll.Add(label, rank);
                        local.SubsetOnly.Add(label, ClassificationMetrics.Rank(local.Row, label, mask, i));
                    }
                }
                lock (gate)
                {
                    done += end - block * BlockSize;
                    progress?.Report(new EvalProgress(EvalStage.Scoring, done, n));
                }
            },
            local =>
            {
                overall.Merge(local.Overall);
                subsetAll.Merge(local.SubsetAll);
                subsetOnly.Merge(local.SubsetOnly);
            });

        var subset = mask is null
            ? null
            : new ZeroShotSubsetScores(Enumerable.Range(0, classes).Where(c => mask[c]).ToArray(), subsetAll.ToScores(), subsetOnly.ToScores());
        return new ZeroShotEvalResult(overall.ToScores(), subset);
    }

    /// <summary>Class indices of the subset names (every class of a name).</summary>
    private static HashSet<int> ResolveSubset(IReadOnlyList<string> classNames, IReadOnlyList<string> subset)
    {
        var result = new HashSet<int>();
        var unknown = new List<string>();
        foreach (var name in subset)
        {
            bool found = false;
            for (var c = 0; c < classNames.Count; c++)
            {
                if (string.Equals(classNames[c], name, StringComparison.Ordinal))
                {
                    result.Add(c);
                    found = true;
                }
            }
            if (!found)
            {
                unknown.Add(name);
            }
        }
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Subset class{(unknown.Count > 1 ? "es" : "")} not in the dataset: {string.Join(", ", unknown.Select(u => $"'{u}'"))}.", nameof(subset));
        }
        return result;
    }

    private sealed record Local(float[] Row, ClassificationTally Overall, ClassificationTally SubsetAll, ClassificationTally SubsetOnly);
}
