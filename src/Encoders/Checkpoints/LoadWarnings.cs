using static TorchSharp.torch;

namespace MultiModal.Encoders.Checkpoints;

/// <summary>
/// The load-time warnings the loaders send to their options' <c>Warn</c> callback: weights that load fine but make the
/// model useless. A warning, not an error, because such a file can be a deliberate starting point (zero-initialised
/// heads before training), yet silence would surface only later as NaN embeddings far from the cause.
/// </summary>
internal static class LoadWarnings
{
    /// <summary>Warns when <paramref name="projection"/> holds nothing but zeros.</summary>
    /// <param name="projection">The loaded projection.</param>
    /// <param name="name">The tensor's name in the file.</param>
    /// <param name="tower">Which embeddings it makes ("image" or "text").</param>
    /// <param name="filePath">The weights file.</param>
    /// <param name="warn">The callback; null skips the check.</param>
    public static void IfAllZero(Tensor projection, string name, string tower, string filePath, Action<string>? warn)
    {
        if (warn is null)
        {
            return;
        }
        using var noGrad = no_grad();
        using var any = projection.any(); // true for any non-zero (or NaN) element; -0.0 counts as zero
        if (!any.item<bool>())
        {
            warn($"{filePath}: {name} is all zeros, so every {tower} embedding is the zero vector (NaN once L2-normalised).");
        }
    }
}
