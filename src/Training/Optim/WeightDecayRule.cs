using static TorchSharp.torch;

namespace MultiModal.Training.Optim;

/// <summary>Which parameters get no weight decay.</summary>
/// <remarks>
/// OpenCLIP's rule (training/main.py: <c>exclude = p.ndim &lt; 2 or "bn" in n or "ln" in n or "bias" in n or
/// "logit_scale" in n</c>): norms, biases, gains, the temperature and every 1-d tensor; plus, here, every embedding
/// table (<c>class_embedding</c>, <c>positional_embedding</c>, <c>token_embedding.weight</c>), as ViT and BERT recipes
/// do (decaying a lookup table shrinks rare tokens' rows, which are rarely updated, towards zero).
/// </remarks>
public static class WeightDecayRule
{
    /// <summary>True when the parameter named <paramref name="name"/> must not be decayed.</summary>
    public static bool Excludes(string name, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.dim() < 2
            || name.Contains("bn", StringComparison.Ordinal)
            || name.Contains("ln", StringComparison.Ordinal)
            || name.Contains("bias", StringComparison.Ordinal)
            || name.Contains("logit_scale", StringComparison.Ordinal)
            || name.Contains("embedding", StringComparison.Ordinal);
    }
}
