namespace MultiModal.Index.ZeroShot;

/// <summary>
/// The pure arithmetic of zero-shot classification: prompt-ensembled class weights and the softmax over scaled
/// cosine similarities. <see cref="ZeroShotClassifier"/> feeds these with a model's embeddings.
/// </summary>
public static class ZeroShotWeights
{
    /// <summary>
    /// Builds one unit-length weight row per class from the text embeddings of that class's prompts: each prompt
    /// embedding is L2-normalised, the class's embeddings are averaged and the mean is normalised again — the
    /// template ensembling of OpenAI's <c>Prompt_Engineering_for_ImageNet</c> notebook and OpenCLIP's
    /// <c>build_zero_shot_classifier</c>.
    /// </summary>
    /// <param name="embeddingsPerClass">For class c, the embeddings of its prompts (one per template), all of one width.</param>
    /// <returns>The class weights as rows, [C][D] (the transpose of OpenCLIP's [D, C] matrix).</returns>
    /// <exception cref="ArgumentException">No classes, a class without embeddings, mixed widths, a zero or non-finite embedding, or prompts whose mean is zero.</exception>
    /// <remarks>Sums are accumulated in double precision, so the result does not depend on the order of the prompts beyond rounding of the final float.</remarks>
    public static float[][] Build(IReadOnlyList<IReadOnlyList<float[]>> embeddingsPerClass)
    {
        ArgumentNullException.ThrowIfNull(embeddingsPerClass);
        if (embeddingsPerClass.Count == 0)
        {
            throw new ArgumentException("No classes: give at least one class's prompt embeddings.", nameof(embeddingsPerClass));
        }
        int dim = -1;
        var weights = new float[embeddingsPerClass.Count][];
        for (var c = 0; c < embeddingsPerClass.Count; c++)
        {
            var prompts = embeddingsPerClass[c];
            if (prompts is null || prompts.Count == 0)
            {
                throw new ArgumentException($"Class {c} has no prompt embeddings.", nameof(embeddingsPerClass));
            }
            dim = dim < 0 ? prompts[0]?.Length ?? 0 : dim;
            var sum = new double[dim];
            for (var t = 0; t < prompts.Count; t++)
            {
                var e = prompts[t];
                if (e is null || e.Length != dim || dim == 0)
                {
                    throw new ArgumentException($"Class {c}, prompt {t}: embedding has {e?.Length ?? 0} values; expected {dim} (all embeddings must share one non-zero width).", nameof(embeddingsPerClass));
                }
                double norm = Norm(e);
                if (!(norm > 0) || double.IsInfinity(norm))
                {
                    throw new ArgumentException($"Class {c}, prompt {t}: embedding norm is {norm}; cannot normalise it.", nameof(embeddingsPerClass));
                }
                for (var i = 0; i < dim; i++)
                {
                    sum[i] += e[i] / norm;
                }
            }
            // Averaging then normalising equals normalising the sum; the division keeps the notebook's form.
            double meanNorm = 0;
            for (var i = 0; i < dim; i++)
            {
                sum[i] /= prompts.Count;
                meanNorm += sum[i] * sum[i];
            }
            meanNorm = Math.Sqrt(meanNorm);
            if (!(meanNorm > 1e-12))
            {
                throw new ArgumentException($"Class {c}: its prompt embeddings average to zero; the class has no direction.", nameof(embeddingsPerClass));
            }
            var row = new float[dim];
            for (var i = 0; i < dim; i++)
            {
                row[i] = (float)(sum[i] / meanNorm);
            }
            weights[c] = row;
        }
        return weights;
    }

    /// <summary>
    /// Class probabilities for one image: <c>softmax(scale · cos(image, weight_c))</c> over all classes, the
    /// <c>logits_per_image.softmax(-1)</c> of CLIP.
    /// </summary>
    /// <param name="image">The image embedding (need not be normalised).</param>
    /// <param name="classWeights">Unit-length class weights, [C][D], e.g. from <see cref="Build"/>.</param>
    /// <param name="logitScale">The multiplier <c>exp(logit_scale)</c> (100 for OpenAI's trained models).</param>
    /// <exception cref="ArgumentException">Width mismatch, or a zero or non-finite image embedding.</exception>
    /// <remarks>Computed in double precision with the maximum logit subtracted, so large scales do not overflow.</remarks>
    public static float[] Softmax(ReadOnlySpan<float> image, IReadOnlyList<float[]> classWeights, float logitScale)
    {
        ArgumentNullException.ThrowIfNull(classWeights);
        var logits = new double[classWeights.Count];
        double norm = Norm(image);
        if (!(norm > 0) || double.IsInfinity(norm))
        {
            throw new ArgumentException($"Image embedding norm is {norm}; cannot compute cosine similarities.", nameof(image));
        }
        double max = double.NegativeInfinity;
        for (var c = 0; c < classWeights.Count; c++)
        {
            var w = classWeights[c];
            if (w.Length != image.Length)
            {
                throw new ArgumentException($"Image embedding has {image.Length} values; class weights have {w.Length}.", nameof(image));
            }
            double dot = 0;
            for (var i = 0; i < w.Length; i++)
            {
                dot += (double)image[i] * w[i];
            }
            logits[c] = logitScale * dot / norm;
            max = Math.Max(max, logits[c]);
        }
        double total = 0;
        for (var c = 0; c < logits.Length; c++)
        {
            logits[c] = Math.Exp(logits[c] - max);
            total += logits[c];
        }
        var probabilities = new float[logits.Length];
        for (var c = 0; c < logits.Length; c++)
        {
            probabilities[c] = (float)(logits[c] / total);
        }
        return probabilities;
    }

    private static double Norm(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (var x in v)
        {
            s += (double)x * x;
        }
        return Math.Sqrt(s);
    }
}
