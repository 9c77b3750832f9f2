namespace MultiModal.Encoders;

/// <summary>
/// An image tower as applications use it: encoded image files or streams in, one embedding row per image out.
/// Implemented by <see cref="ClipModel"/> (TorchSharp), the ONNX Runtime towers and the projected dual encoder.
/// </summary>
/// <remarks>Implementations are thread-safe: encoding may be called from several threads at once.</remarks>
public interface IImageEncoder
{
    /// <summary>Width of the embeddings this encoder returns.</summary>
    int EmbedDim { get; }

    /// <summary>Encodes image files in batches; rows follow the input order.</summary>
    /// <param name="paths">Image files.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="normalize">L2-normalise the embeddings (what retrieval and zero-shot need).</param>
    /// <param name="progress">Receives the number of images encoded so far after each batch.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <exception cref="Imaging.ImageBatchException">An image could not be read; names the item and its index.</exception>
    float[][] EncodeImages(IReadOnlyList<string> paths, int batchSize = 32, bool normalize = true, IProgress<int>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Encodes images read from streams (each read to its end); <paramref name="names"/> label errors.</summary>
    /// <exception cref="Imaging.ImageBatchException">An image could not be read; names the item and its index.</exception>
    float[][] EncodeImages(IReadOnlyList<Stream> streams, IReadOnlyList<string>? names = null, int batchSize = 32, bool normalize = true, CancellationToken cancellationToken = default);
}
