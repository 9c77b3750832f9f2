using MultiModal.Encoders;
using MultiModal.Encoders.Tokenization;
using static TorchSharp.torch;

namespace MultiModal.Index.ZeroShot;

/// <summary>
/// A zero-shot image classifier: one text-derived weight per class (prompt templates ensembled as in OpenAI's
/// CLIP notebook and OpenCLIP's <c>build_zero_shot_classifier</c>) and the model's logit scale; images are ranked
/// by <c>softmax(exp(logit_scale) · cos(image, class))</c>.
/// </summary>
/// <remarks>
/// The classifier borrows the model (for <see cref="Classify(IReadOnlyList{string}, int, int, IProgress{int}?, CancellationToken)"/>)
/// and does not dispose it. Class names may repeat (OpenAI's ImageNet names hold "missile" twice); results carry
/// the class index to tell them apart.
/// </remarks>
public sealed class ZeroShotClassifier
{
    private const int TextBatchSize = 256;

    private readonly float[][] _weights;
    private readonly IMultimodalEncoder? _model;

    private ZeroShotClassifier(IReadOnlyList<string> classNames, float[][] weights, float logitScale, IMultimodalEncoder? model)
    {
        ClassNames = classNames;
        _weights = weights;
        LogitScale = logitScale;
        _model = model;
    }

    /// <summary>The class names, in class-index order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The unit-length class weights as rows, [C][D].</summary>
    public IReadOnlyList<float[]> Weights => _weights;

    /// <summary>The multiplier applied to cosine similarities: <c>exp(logit_scale)</c> (100 for trained CLIP models).</summary>
    public float LogitScale { get; }

    /// <summary>Embedding width.</summary>
    public int Dimensions => _weights[0].Length;

    /// <summary>
    /// Builds the classifier: for each class, formats every template with the class name, encodes the prompts,
    /// L2-normalises each embedding, averages them and normalises the mean.
    /// </summary>
    /// <param name="model">The CLIP model (borrowed, not disposed).</param>
    /// <param name="classNames">Class names, at least one; duplicates allowed.</param>
    /// <param name="templates">Prompt templates with a <c>{}</c> or <c>{c}</c> placeholder, at least one.</param>
    /// <param name="progress">Receives the number of classes whose prompts are encoded so far.</param>
    /// <param name="ct">Stops between text batches.</param>
    /// <exception cref="ArgumentException">No classes, a blank class name, no templates, or a template without a placeholder.</exception>
    public static ZeroShotClassifier Create(IMultimodalEncoder model, IReadOnlyList<string> classNames, IReadOnlyList<string> templates, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var names = CheckClassNames(classNames);
        PromptTemplates.Validate(templates);
        var perClass = new IReadOnlyList<float[]>[names.Length];
        int classesPerBatch = Math.Max(1, TextBatchSize / templates.Count);
        for (var start = 0; start < names.Length; start += classesPerBatch)
        {
            ct.ThrowIfCancellationRequested();
            int count = Math.Min(classesPerBatch, names.Length - start);
            var prompts = new string[count * templates.Count];
            for (var c = 0; c < count; c++)
            {
                for (var t = 0; t < templates.Count; t++)
                {
                    prompts[c * templates.Count + t] = PromptTemplates.Format(templates[t], names[start + c]);
                }
            }
            var embeddings = model.EncodeTexts(prompts, TextBatchSize, normalize: true, ct);
            for (var c = 0; c < count; c++)
            {
                perClass[start + c] = new ArraySegment<float[]>(embeddings, c * templates.Count, templates.Count);
            }
            progress?.Report(start + count);
        }
        return new ZeroShotClassifier(names, ZeroShotWeights.Build(perClass), model.LogitScale, model);
    }

    /// <summary>
    /// Makes a classifier from precomputed class weights (e.g. cached from an earlier <see cref="Create(IMultimodalEncoder, IReadOnlyList{string}, IReadOnlyList{string}, IProgress{int}?, CancellationToken)"/>).
    /// Rows are re-normalised. Without <paramref name="model"/> only embeddings can be classified.
    /// </summary>
    /// <param name="classNames">One name per weight row.</param>
    /// <param name="classWeights">Class weights, [C][D].</param>
    /// <param name="logitScale">The multiplier <c>exp(logit_scale)</c>; positive and finite.</param>
    /// <param name="model">Optional model for classifying image files; its width must match.</param>
    /// <exception cref="ArgumentException">Counts or widths disagree, or a row is zero.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="logitScale"/> is not positive and finite.</exception>
    public static ZeroShotClassifier FromWeights(IReadOnlyList<string> classNames, IReadOnlyList<float[]> classWeights, float logitScale, IMultimodalEncoder? model = null)
    {
        var names = CheckClassNames(classNames);
        ArgumentNullException.ThrowIfNull(classWeights);
        if (!(logitScale > 0) || float.IsInfinity(logitScale))
        {
            throw new ArgumentOutOfRangeException(nameof(logitScale), logitScale, "logitScale must be positive and finite (it is exp(logit_scale)).");
        }
        if (classWeights.Count != names.Length)
        {
            throw new ArgumentException($"{classWeights.Count} weight rows for {names.Length} class names.", nameof(classWeights));
        }
        var weights = ZeroShotWeights.Build(classWeights.Select(w => (IReadOnlyList<float[]>)[w]).ToList());
        if (model is not null && model.EmbedDim != weights[0].Length)
        {
            throw new ArgumentException($"Class weights have {weights[0].Length} values; the model's embeddings have {model.EmbedDim}.", nameof(model));
        }
        return new ZeroShotClassifier(names, weights, logitScale, model);
    }

    /// <summary>Ranks the classes for each image embedding; results follow the input order.</summary>
    /// <param name="imageEmbeddings">Image embeddings, [N][D] (need not be normalised).</param>
    /// <param name="k">Classes to return per image, 1 ≤ k ≤ class count.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is out of range.</exception>
    /// <exception cref="ArgumentException">An embedding has the wrong width or is zero.</exception>
    public IReadOnlyList<ZeroShotPrediction> Classify(float[][] imageEmbeddings, int k)
    {
        ArgumentNullException.ThrowIfNull(imageEmbeddings);
        CheckK(k);
        var result = new ZeroShotPrediction[imageEmbeddings.Length];
        for (var i = 0; i < imageEmbeddings.Length; i++)
        {
            var image = imageEmbeddings[i] ?? throw new ArgumentException($"imageEmbeddings[{i}] is null.", nameof(imageEmbeddings));
            if (image.Length != Dimensions)
            {
                throw new ArgumentException($"imageEmbeddings[{i}] has {image.Length} values; the class weights have {Dimensions}.", nameof(imageEmbeddings));
            }
            float[] probabilities;
            try
            {
                probabilities = ZeroShotWeights.Softmax(image, _weights, LogitScale);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"imageEmbeddings[{i}]: {e.Message}", nameof(imageEmbeddings), e);
            }
            result[i] = new ZeroShotPrediction(i, TopK(probabilities, k));
        }
        return result;
    }

    /// <summary>Encodes image files with the model and ranks the classes for each; results follow the input order.</summary>
    /// <param name="imagePaths">Image files.</param>
    /// <param name="k">Classes to return per image, 1 ≤ k ≤ class count.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="progress">Receives the number of images encoded so far.</param>
    /// <param name="ct">Stops between batches.</param>
    /// <exception cref="InvalidOperationException">The classifier was made by <see cref="FromWeights"/> without a model.</exception>
    /// <exception cref="MultiModal.Encoders.Imaging.ImageBatchException">An image could not be read; names it.</exception>
    public IReadOnlyList<ZeroShotPrediction> Classify(IReadOnlyList<string> imagePaths, int k, int batchSize = 32, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        CheckK(k);
        var model = _model ?? throw new InvalidOperationException("This classifier has no model; classify embeddings instead, or pass a model to FromWeights.");
        return Classify(model.EncodeImages(imagePaths, batchSize, normalize: true, progress, ct), k);
    }

    private void CheckK(int k)
    {
        if (k < 1 || k > ClassNames.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and the class count ({ClassNames.Count}).");
        }
    }

    private ZeroShotLabel[] TopK(float[] probabilities, int k)
    {
        var order = new int[probabilities.Length];
        for (var c = 0; c < order.Length; c++)
        {
            order[c] = c;
        }
        // Deterministic on ties: the lower class index ranks first.
        Array.Sort(order, (a, b) => probabilities[a] != probabilities[b] ? probabilities[b].CompareTo(probabilities[a]) : a.CompareTo(b));
        var top = new ZeroShotLabel[k];
        for (var r = 0; r < k; r++)
        {
            top[r] = new ZeroShotLabel(ClassNames[order[r]], order[r], probabilities[order[r]]);
        }
        return top;
    }

    private static string[] CheckClassNames(IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count == 0)
        {
            throw new ArgumentException("No class names: give at least one.", nameof(classNames));
        }
        var names = classNames.ToArray();
        for (var i = 0; i < names.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                throw new ArgumentException($"Class name {i} is empty.", nameof(classNames));
            }
        }
        return names;
    }
}
