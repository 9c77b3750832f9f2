using static TorchSharp.torch;

namespace MultiModal.Training.Losses;

/// <summary>The parts of the image–text contrastive loss (scalar tensors; <see cref="Total"/> carries the graph).</summary>
/// <param name="Total">(<see cref="ImageToText"/> + <see cref="TextToImage"/>) / 2: what training minimises.</param>
/// <param name="ImageToText">Cross-entropy of each image's row of logits against its own caption.</param>
/// <param name="TextToImage">Cross-entropy of each caption's row of logits against its own image.</param>
/// <param name="LogitScale">The multiplier used: <c>min(exp(logit_scale), 100)</c>.</param>
/// <param name="ImageToTextAccuracy">Fraction of images whose highest logit is their own caption (no gradient).</param>
/// <param name="TextToImageAccuracy">Fraction of captions whose highest logit is their own image (no gradient).</param>
public sealed record ContrastiveLossOutput(
    Tensor Total,
    Tensor ImageToText,
    Tensor TextToImage,
    Tensor LogitScale,
    Tensor ImageToTextAccuracy,
    Tensor TextToImageAccuracy) : IDisposable
{
    /// <summary>Disposes the six tensors.</summary>
    public void Dispose()
    {
        Total.Dispose();
        ImageToText.Dispose();
        TextToImage.Dispose();
        LogitScale.Dispose();
        ImageToTextAccuracy.Dispose();
        TextToImageAccuracy.Dispose();
    }
}
