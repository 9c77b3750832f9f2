using TorchSharp;

namespace MultiModal.Encoders.Layers;

/// <summary>
/// Scalars the forward passes hand to libtorch, held in static fields so they are never finalized.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 turns the constant in <c>x + y</c> (alpha 1) or <c>h * 1.702</c> into a temporary, finalizable
/// <see cref="Scalar"/> and passes only its native handle on: a garbage collection on another thread can free it while
/// libtorch reads it ("Expected false to be true ... toFloat", or a silently wrong value). The soak benchmark hit it
/// in a search service where indexing threads allocate while searches run the model. Passing these instead keeps the
/// native scalar alive for the life of the process.
/// </remarks>
internal static class KeptScalars
{
    /// <summary>1: the alpha of a residual or embedding addition.</summary>
    public static readonly Scalar One = 1;

    /// <summary>1.702: QuickGELU's sigmoid scale (OpenAI CLIP model.py).</summary>
    public static readonly Scalar QuickGeluScale = 1.702;
}
