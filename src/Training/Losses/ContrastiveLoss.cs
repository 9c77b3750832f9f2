using TorchSharp;
using static TorchSharp.torch;

namespace MultiModal.Training.Losses;

/// <summary>
/// The image–text contrastive loss (ITC, CLIP's InfoNCE; OpenCLIP <c>ClipLoss</c>, single process): with
/// L2-normalised embeddings, <c>logits_per_image = s · img · txtᵀ</c>, <c>logits_per_text</c> its transpose, the
/// matching pair on the diagonal, and the loss the mean of the two cross-entropies.
/// </summary>
/// <remarks>
/// <c>s = exp(logit_scale)</c> is clamped at 100 here as well as on the parameter after each optimiser step (as
/// OpenCLIP's train.py does with <c>logit_scale.clamp_(0, ln 100)</c>), so a scale loaded from elsewhere never
/// exceeds 100; above the clamp the scale gets no gradient. The module has no parameters: the temperature belongs
/// to the model being trained.
/// </remarks>
public sealed class ContrastiveLoss : nn.Module<Tensor, Tensor, Tensor, ContrastiveLossOutput>
{
    /// <summary>The largest multiplier: CLIP's cap on the learned temperature (1/0.01).</summary>
    public const double MaxScale = 100.0;

    /// <summary>Creates the loss.</summary>
    public ContrastiveLoss() : base(nameof(ContrastiveLoss))
    {
    }

    /// <summary>Computes the loss.</summary>
    /// <param name="imageEmbeddings">L2-normalised image embeddings [B, D].</param>
    /// <param name="textEmbeddings">L2-normalised text embeddings [B, D]; row i is image i's caption.</param>
    /// <param name="logitScale">The learnable log temperature (scalar).</param>
    /// <exception cref="ArgumentException">The shapes disagree or the batch is empty.</exception>
    public override ContrastiveLossOutput forward(Tensor imageEmbeddings, Tensor textEmbeddings, Tensor logitScale)
    {
        ArgumentNullException.ThrowIfNull(imageEmbeddings);
        ArgumentNullException.ThrowIfNull(textEmbeddings);
        ArgumentNullException.ThrowIfNull(logitScale);
        if (imageEmbeddings.dim() != 2 || !imageEmbeddings.shape.SequenceEqual(textEmbeddings.shape) || imageEmbeddings.shape[0] == 0)
        {
            throw new ArgumentException(
                $"Expected image and text embeddings of one shape [B ≥ 1, D], got [{string.Join(", ", imageEmbeddings.shape)}] and [{string.Join(", ", textEmbeddings.shape)}].",
                nameof(textEmbeddings));
        }
        using var scope = NewDisposeScope();
        var scale = logitScale.exp().clamp_max(MaxScale);
        var logitsPerImage = scale * imageEmbeddings.matmul(textEmbeddings.t());    // [B, B]
        var logitsPerText = scale * textEmbeddings.matmul(imageEmbeddings.t());     // [B, B]
        var labels = arange(imageEmbeddings.shape[0], dtype: ScalarType.Int64, device: imageEmbeddings.device);
        var imageToText = nn.functional.cross_entropy(logitsPerImage, labels);
        var textToImage = nn.functional.cross_entropy(logitsPerText, labels);
        var total = (imageToText + textToImage) / 2;
        Tensor i2tAccuracy, t2iAccuracy;
        using (no_grad())
        {
            i2tAccuracy = logitsPerImage.argmax(-1).eq(labels).to(ScalarType.Float32).mean();
            t2iAccuracy = logitsPerText.argmax(-1).eq(labels).to(ScalarType.Float32).mean();
        }
        return new ContrastiveLossOutput(
            total.MoveToOuterDisposeScope(),
            imageToText.MoveToOuterDisposeScope(),
            textToImage.MoveToOuterDisposeScope(),
            scale.MoveToOuterDisposeScope(),
            i2tAccuracy.MoveToOuterDisposeScope(),
            t2iAccuracy.MoveToOuterDisposeScope());
    }
}
