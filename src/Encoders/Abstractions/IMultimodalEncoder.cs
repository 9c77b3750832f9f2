namespace MultiModal.Encoders;

/// <summary>
/// A dual encoder whose image and text embeddings share one space (CLIP and its kind): what zero-shot
/// classification and image-text search need.
/// </summary>
public interface IMultimodalEncoder : IImageEncoder, ITextEncoder, IDisposable
{
    /// <summary>A display name (the folder name for loaded models).</summary>
    string Name { get; }

    /// <summary>Width of the shared embedding space (image and text embeddings alike).</summary>
    new int EmbedDim { get; }

    /// <summary>The multiplier applied to cosine similarities to make logits: <c>exp(logit_scale)</c> (100 for trained CLIP).</summary>
    float LogitScale { get; }
}
