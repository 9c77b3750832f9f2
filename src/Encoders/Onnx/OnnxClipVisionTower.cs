using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MultiModal.Encoders.Imaging;

namespace MultiModal.Encoders.Onnx;

/// <summary>
/// The image tower of an ONNX CLIP export: <c>pixel_values</c> [B, 3, S, S] (float32, preprocessed by
/// <see cref="ImagePreprocessor"/>) in, <c>image_embeds</c> [B, E] out (Optimum's <c>vision_model.onnx</c>, or the
/// combined <c>model.onnx</c>, which also gets a one-row dummy text input).
/// </summary>
/// <remarks>
/// Thread-safe: ONNX Runtime sessions may run concurrently, and image decoding runs on worker threads in parallel with
/// the graph. Made by <see cref="OnnxClipModel.Load"/>, which owns it.
/// </remarks>
public sealed class OnnxClipVisionTower : IImageEncoder
{
    internal const string PixelValues = "pixel_values";
    internal const string ImageEmbeds = "image_embeds";

    private readonly OnnxSession _session;
    private readonly Func<IReadOnlyList<(string, OrtValue)>>? _extraInputs;

    internal OnnxClipVisionTower(OnnxSession session, ImagePreprocessOptions preprocess, int embedDim, Func<IReadOnlyList<(string, OrtValue)>>? extraInputs)
    {
        _session = session;
        _extraInputs = extraInputs;
        Preprocessor = ImagePreprocessor.Create(preprocess);
        EmbedDim = embedDim;
        session.RequireInput(PixelValues, TensorElementType.Float, 4, "preprocessed images [batch, 3, size, size]");
        var input = session.Inputs[PixelValues];
        int s = preprocess.ImageSize;
        int[] expected = [-1, 3, s, s];
        for (var axis = 1; axis < 4; axis++)
        {
            int dim = OnnxSession.StaticDim(input, axis);
            if (dim >= 0 && dim != expected[axis])
            {
                throw new OnnxModelException(session.Source, $"'{session.Source}': input {PixelValues} has dimension {axis} = {dim}, but the preprocessing makes [batch, 3, {s}, {s}]; the model's inputs are: {session.DescribeInputs()}.");
            }
        }
        session.RequireOutput(ImageEmbeds, 2,
            "A CLIP image tower must return the projected embeddings (image_embeds, as CLIPVisionModelWithProjection or the whole CLIPModel exports them); " +
            "last_hidden_state and pooler_output are not in the space shared with text.");
        CheckWidth(session, ImageEmbeds, embedDim);
    }

    /// <summary>The image preprocessing (size, mean/std, interpolation) from <c>preprocessor_config.json</c>.</summary>
    public ImagePreprocessor Preprocessor { get; }

    /// <inheritdoc/>
    public int EmbedDim { get; }

    /// <summary>The ONNX file the tower runs.</summary>
    public string ModelPath => _session.Source;

    /// <inheritdoc/>
    public float[][] EncodeImages(IReadOnlyList<string> paths, int batchSize = 32, bool normalize = true, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        ImageBatches.EncodePaths(paths, batchSize, (slice, ct) => Preprocessor.PreprocessBatch(slice, -1, ct),
            (pixels, count) => EncodePixels(pixels, count, normalize), progress, cancellationToken);

    /// <inheritdoc/>
    public float[][] EncodeImages(IReadOnlyList<Stream> streams, IReadOnlyList<string>? names = null, int batchSize = 32, bool normalize = true, CancellationToken cancellationToken = default) =>
        ImageBatches.EncodeStreams(streams, names, batchSize, Preprocessor.OutputLength, Preprocessor.Preprocess,
            (pixels, count) => EncodePixels(pixels, count, normalize), cancellationToken);

    /// <summary>Runs the graph on preprocessed pixels: row-major [count, 3, S, S] floats in, one embedding per image out.</summary>
    /// <exception cref="OnnxModelException">The graph returned embeddings of another shape.</exception>
    public float[][] EncodePixels(float[] pixels, int count, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        int s = Preprocessor.ImageSize;
        if (count < 1 || pixels.Length != (long)count * 3 * s * s)
        {
            throw new ArgumentException($"{pixels.Length} floats for {count} images of 3x{s}x{s}.", nameof(pixels));
        }
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [count, 3, s, s]);
        var extra = _extraInputs?.Invoke() ?? [];
        try
        {
            var (data, shape) = _session.Run([(PixelValues, input), .. extra], ImageEmbeds);
            CheckShape(_session, ImageEmbeds, shape, count, EmbedDim);
            return EmbeddingMath.Rows(data, count, EmbedDim, normalize);
        }
        finally
        {
            foreach (var (_, value) in extra)
            {
                value.Dispose();
            }
        }
    }

    /// <summary>Fails when a graph output's static width differs from <paramref name="embedDim"/>.</summary>
    internal static void CheckWidth(OnnxSession session, string output, int embedDim)
    {
        int width = OnnxSession.StaticDim(session.Outputs[output], 1);
        if (width >= 0 && width != embedDim)
        {
            throw new OnnxModelException(session.Source, $"'{session.Source}': output {output} has width {width}, but the model's embedding width (config.json projection_dim) is {embedDim}.");
        }
    }

    /// <summary>Fails when a run returned an output of another shape than [rows, embedDim].</summary>
    internal static void CheckShape(OnnxSession session, string output, long[] shape, int rows, int embedDim)
    {
        if (shape.Length != 2 || shape[0] != rows || shape[1] != embedDim)
        {
            throw new OnnxModelException(session.Source, $"'{session.Source}': output {output} has shape [{string.Join(", ", shape)}]; expected [{rows}, {embedDim}] (config.json projection_dim = {embedDim}).");
        }
    }
}
