using static TorchSharp.torch;

namespace MultiModal.Encoders.Models;

/// <summary>The outputs of a CLIP forward pass (names as Hugging Face's <c>CLIPOutput</c>).</summary>
/// <param name="ImageEmbeds">L2-normalised image embeddings [B_i, E].</param>
/// <param name="TextEmbeds">L2-normalised text embeddings [B_t, E].</param>
/// <param name="LogitsPerImage">Scaled cosine similarities [B_i, B_t].</param>
/// <param name="LogitsPerText">The transpose, [B_t, B_i].</param>
/// <param name="LogitScale">exp(logit_scale), a scalar tensor.</param>
public sealed record ClipOutput(Tensor ImageEmbeds, Tensor TextEmbeds, Tensor LogitsPerImage, Tensor LogitsPerText, Tensor LogitScale);
