using MultiModal.Training.Logging;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultiModal.Training.Probe;

/// <summary>
/// Multinomial logistic regression on frozen image features (the CLIP paper's linear-probe evaluation): weights
/// [D, C] and bias [C] from zero, full-batch AdamW on the cross-entropy with weight decay as the regulariser.
/// </summary>
/// <remarks>
/// CLIP's own protocol fits scikit-learn's L-BFGS logistic regression with a swept L2 strength; this is the same
/// convex objective solved by a first-order method with a fixed budget, so accuracies can differ slightly from it.
/// Deterministic: zero initialisation and full batches leave nothing random.
/// </remarks>
public sealed class LinearProbe : IDisposable
{
    private readonly Tensor _weight;
    private readonly Tensor _bias;
    private readonly bool _normalize;

    private LinearProbe(Tensor weight, Tensor bias, bool normalize, double finalLoss)
    {
        _weight = weight;
        _bias = bias;
        _normalize = normalize;
        FinalLoss = finalLoss;
    }

    /// <summary>Training cross-entropy after the last step.</summary>
    public double FinalLoss { get; }

    /// <summary>Number of classes.</summary>
    public int Classes => (int)_bias.shape[0];

    /// <summary>Fits the probe.</summary>
    /// <param name="features">One feature row per sample (all the same width).</param>
    /// <param name="labels">Class index per sample, in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">Number of classes (≥ 2).</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="progress">Receives a report every 50 steps.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    /// <exception cref="ArgumentException">Empty or ragged features, or a label out of range.</exception>
    public static LinearProbe Fit(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int classCount, LinearProbeOptions? options = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new LinearProbeOptions();
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        CheckLabels(labels, features.Count, classCount);
        using var scope = NewDisposeScope();
        var x = Matrix(features, options.Normalize);                                     // [N, D]
        var y = tensor(labels.Select(l => (long)l).ToArray());                            // [N]
        var weight = nn.Parameter(zeros(x.shape[1], classCount));                         // [D, C]
        var bias = nn.Parameter(zeros(classCount));                                       // [C]
        using var adam = optim.AdamW(
            [new AdamW.ParamGroup([weight], lr: options.Lr, weight_decay: options.WeightDecay), new AdamW.ParamGroup([bias], lr: options.Lr, weight_decay: 0)],
            options.Lr);
        double loss = double.NaN;
        for (var step = 0; step < options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var stepScope = NewDisposeScope();
            adam.zero_grad();
            var ce = nn.functional.cross_entropy(x.matmul(weight) + bias, y);
            ce.backward();
            adam.step();
            loss = ce.item<float>();
            if ((step + 1) % 50 == 0 || step + 1 == options.Steps)
            {
                progress?.Report(new TrainingProgress(TrainingPhase.LinearProbe, step + 1, options.Steps, Loss: loss));
            }
        }
        return new LinearProbe(weight.detach().clone().MoveToOuterDisposeScope(), bias.detach().clone().MoveToOuterDisposeScope(), options.Normalize, loss);
    }

    /// <summary>The predicted class of each row.</summary>
    public int[] Predict(IReadOnlyList<float[]> features)
    {
        if (features.Count == 0)
        {
            return [];
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = Matrix(features, _normalize).matmul(_weight) + _bias;                // [N, C]
        return logits.argmax(-1).data<long>().Select(v => (int)v).ToArray();
    }

    /// <summary>Top-1 accuracy against <paramref name="labels"/>.</summary>
    public double Accuracy(IReadOnlyList<float[]> features, IReadOnlyList<int> labels)
    {
        CheckLabels(labels, features.Count, Classes);
        var predicted = Predict(features);
        return predicted.Length == 0 ? double.NaN : predicted.Where((p, i) => p == labels[i]).Count() / (double)predicted.Length;
    }

    /// <summary>Releases the weights.</summary>
    public void Dispose()
    {
        _weight.Dispose();
        _bias.Dispose();
    }

    private static Tensor Matrix(IReadOnlyList<float[]> features, bool normalize)
    {
        if (features.Count == 0 || features[0].Length == 0)
        {
            throw new ArgumentException("Features must hold at least one non-empty row.", nameof(features));
        }
        int d = features[0].Length;
        var flat = new float[features.Count * d];
        for (var i = 0; i < features.Count; i++)
        {
            if (features[i].Length != d)
            {
                throw new ArgumentException($"Feature row {i} has {features[i].Length} values; row 0 has {d}.", nameof(features));
            }
            features[i].CopyTo(flat, i * d);
        }
        var x = tensor(flat, [features.Count, d]);
        return normalize ? nn.functional.normalize(x, dim: -1) : x;
    }

    private static void CheckLabels(IReadOnlyList<int> labels, int count, int classCount)
    {
        if (labels.Count != count)
        {
            throw new ArgumentException($"{labels.Count} labels for {count} feature rows.", nameof(labels));
        }
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] < 0 || labels[i] >= classCount)
            {
                throw new ArgumentException($"Label {labels[i]} of sample {i} is outside [0, {classCount}).", nameof(labels));
            }
        }
    }
}
