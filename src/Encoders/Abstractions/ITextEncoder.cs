namespace MultiModal.Encoders;

/// <summary>
/// A text tower as applications use it: strings in, one embedding row per string out. Implemented by
/// <see cref="ClipModel"/> (TorchSharp), the ONNX Runtime towers and the projected dual encoder.
/// </summary>
/// <remarks>Implementations are thread-safe: encoding may be called from several threads at once.</remarks>
public interface ITextEncoder
{
    /// <summary>Width of the embeddings this encoder returns.</summary>
    int EmbedDim { get; }

    /// <summary>Encodes texts in batches; rows follow the input order. Over-long texts are truncated to the tower's context.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="batchSize">Texts per forward pass.</param>
    /// <param name="normalize">L2-normalise the embeddings.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    float[][] EncodeTexts(IReadOnlyList<string> texts, int batchSize = 256, bool normalize = true, CancellationToken cancellationToken = default);
}
