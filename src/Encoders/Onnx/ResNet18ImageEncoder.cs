using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MultiModal.Encoders.Imaging;

namespace MultiModal.Encoders.Onnx;

/// <summary>
/// ImageNet ResNet18 features (512-d, no class head) as ML.NET's <c>DnnFeaturizeImage</c> with
/// <c>ModelSelector.ResNet18</c> computes them, from the ONNX files of the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1.
/// </summary>
/// <remarks>
/// <para>Pipeline, matching ML.NET's documented featurizer pipeline (<c>LoadImages</c> → <c>ResizeImages(224, 224)</c>
/// → <c>ExtractPixels</c> → <c>DnnFeaturizeImage</c>):</para>
/// <list type="number">
/// <item>Resize: ML.NET's default <c>ResizingKind.IsoCrop</c> with <c>Anchor.Center</c> (uniform scale so the shorter side
/// is 224, centre crop), here done by the PIL-exact <see cref="ImagePreprocessor"/> with
/// <see cref="ImageResizeMode.Shortest"/> and <see cref="ResNet18Options.Interpolation"/> (bilinear).</item>
/// <item>ExtractPixels defaults: planar (not interleaved) R, G, B floats, scale 1, offset 0, so values in [0, 255].</item>
/// <item><c>ResNetPreprocess.onnx</c> (in the package): Split into R, G, B, Concat as B, G, R, then Sub of a per-pixel
/// 224×224 BGR mean image (channel means ≈ 103.1, 115.9, 123.2): Caffe-style input, no division by a std.</item>
/// <item><c>ResNet18.onnx</c> (CNTK 2.6 export): input <c>Input247</c> [1, 3, 224, 224], output
/// <c>Pooling395_Output_0</c> [1, 512, 1, 1], the global average pool before the classifier.</item>
/// </list>
/// <para>Both graphs have a fixed batch of 1, so images run one at a time (decoding still runs in parallel). Features are
/// non-negative (post-ReLU averages); <c>normalize</c> L2-normalises them as for retrieval. This tower has no text
/// counterpart: its space is not shared with any text tower.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class ResNet18ImageEncoder : IImageEncoder, IDisposable
{
    /// <summary>The input side the graphs take.</summary>
    public const int ImageSize = 224;

    /// <summary>Path of the preprocessing graph under the DnnImageModels folder.</summary>
    public const string PreprocessModelRelativePath = "ResNetPrepOnnx/ResNetPreprocess.onnx";

    /// <summary>Path of the network under the DnnImageModels folder.</summary>
    public const string NetworkModelRelativePath = "ResNet18Onnx/ResNet18.onnx";

    private const int FeatureDim = 512;

    private readonly OnnxSession _prep;
    private readonly OnnxSession _net;
    private readonly string _prepInput, _prepOutput, _netInput, _netOutput;
    private readonly int _parallelism;

    private ResNet18ImageEncoder(OnnxSession prep, OnnxSession net, ImagePreprocessor preprocessor, int parallelism)
    {
        _parallelism = parallelism;
        _prep = prep;
        _net = net;
        Preprocessor = preprocessor;
        (_prepInput, _prepOutput) = SingleImageGraph(prep, 3);
        (_netInput, _netOutput) = SingleImageGraph(net, FeatureDim);
    }

    /// <summary>Decodes, resizes and crops images to 224×224 RGB (its mean/std are not used: pixels stay in [0, 255]).</summary>
    public ImagePreprocessor Preprocessor { get; }

    /// <summary>512: the width of ResNet18's pooled features.</summary>
    public int EmbedDim => FeatureDim;

    /// <summary>Loads the two graphs from <see cref="ResNet18Options.ModelDirectory"/> (default: the build output's DnnImageModels).</summary>
    /// <exception cref="FileNotFoundException">A graph file is missing.</exception>
    /// <exception cref="OnnxModelException">A graph is corrupt or does not have the expected single input and output.</exception>
    /// <exception cref="OnnxProviderUnavailableException">The execution provider asked for cannot be used here.</exception>
    public static ResNet18ImageEncoder Load(ResNet18Options? options = null)
    {
        options ??= new ResNet18Options();
        options.Validate();
        var dir = options.ModelDirectory ?? Path.Combine(AppContext.BaseDirectory, "DnnImageModels");
        var preprocessor = ImagePreprocessor.Create(options.ImageLimits with
        {
            ImageSize = ImageSize,
            ResizeMode = ImageResizeMode.Shortest,
            Interpolation = options.Interpolation,
        });
        // Parallel single-image runs, each on one intra-op thread, unless the caller fixed the thread count.
        var session = options.Session.IntraOpThreads == 0 ? options.Session with { IntraOpThreads = 1 } : options.Session;
        int parallelism = options.Parallelism == 0 ? Environment.ProcessorCount : options.Parallelism;
        var prep = OnnxSession.Open(Path.Combine(dir, PreprocessModelRelativePath), session);
        try
        {
            var net = OnnxSession.Open(Path.Combine(dir, NetworkModelRelativePath), session);
            try
            {
                return new ResNet18ImageEncoder(prep, net, preprocessor, parallelism);
            }
            catch
            {
                net.Dispose();
                throw;
            }
        }
        catch
        {
            prep.Dispose();
            throw;
        }
    }

    /// <summary>The graph's one float input [1, 3, 224, 224] and one float output [1, channels, …].</summary>
    private static (string Input, string Output) SingleImageGraph(OnnxSession session, int channels)
    {
        if (session.Inputs.Count != 1 || session.Outputs.Count != 1)
        {
            throw new OnnxModelException(session.Source, $"'{session.Source}' must have one input and one output; its inputs are: {session.DescribeInputs()}; its outputs: {session.DescribeOutputs()}.");
        }
        var (input, inNode) = session.Inputs.First();
        var (output, outNode) = session.Outputs.First();
        session.RequireInput(input, TensorElementType.Float, 4, "image [1, 3, 224, 224]");
        if (outNode.ElementDataType != TensorElementType.Float || outNode.Dimensions.Length < 2 || OnnxSession.StaticDim(outNode, 1) != channels
            || inNode.Dimensions.Skip(1).Where(d => d >= 0).Any(d => d != 3 && d != ImageSize))
        {
            throw new OnnxModelException(session.Source, $"'{session.Source}' should map [1, 3, {ImageSize}, {ImageSize}] to [1, {channels}, …]; its inputs are: {session.DescribeInputs()}; its outputs: {session.DescribeOutputs()}.");
        }
        return (input, output);
    }

    /// <inheritdoc/>
    public float[][] EncodeImages(IReadOnlyList<string> paths, int batchSize = 32, bool normalize = true, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        ImageBatches.EncodePaths(paths, batchSize, PixelsBatch, (pixels, count) => EncodePixels(pixels, count, normalize), progress, cancellationToken);

    /// <inheritdoc/>
    public float[][] EncodeImages(IReadOnlyList<Stream> streams, IReadOnlyList<string>? names = null, int batchSize = 32, bool normalize = true, CancellationToken cancellationToken = default) =>
        ImageBatches.EncodeStreams(streams, names, batchSize, 3 * ImageSize * ImageSize,
            (stream, name, destination) => ToPlanar(Preprocessor.ResizeAndCrop(stream, name), destination),
            (pixels, count) => EncodePixels(pixels, count, normalize), cancellationToken);

    /// <summary>
    /// The pixels ML.NET's ExtractPixels hands the featurizer for one image: planar R, G, B floats in [0, 255], [3, 224, 224].
    /// </summary>
    /// <exception cref="ImageDecodeException">The image cannot be used.</exception>
    public float[] ExtractPixels(string path)
    {
        var result = new float[3 * ImageSize * ImageSize];
        ToPlanar(Preprocessor.ResizeAndCrop(path), result);
        return result;
    }

    /// <summary>Runs the two graphs on [count, 3, 224, 224] planar RGB pixels in [0, 255]: one image per run, <see cref="ResNet18Options.Parallelism"/> runs at once.</summary>
    public float[][] EncodePixels(float[] pixels, int count, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        int plane = 3 * ImageSize * ImageSize;
        if (count < 1 || pixels.Length != (long)count * plane)
        {
            throw new ArgumentException($"{pixels.Length} floats for {count} images of 3x{ImageSize}x{ImageSize}.", nameof(pixels));
        }
        var result = new float[count][];
        long[] shape = [1, 3, ImageSize, ImageSize];
        // Sessions are thread-safe; the graphs take one image per run, so images run concurrently.
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = _parallelism }, i =>
            {
                using var raw = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, pixels.AsMemory(i * plane, plane), shape);
                var (bgr, _) = _prep.Run([(_prepInput, raw)], _prepOutput);
                using var input = OrtValue.CreateTensorValueFromMemory(bgr, shape);
                var (features, featureShape) = _net.Run([(_netInput, input)], _netOutput);
                if (features.Length != FeatureDim)
                {
                    throw new OnnxModelException(_net.Source, $"'{_net.Source}': {_netOutput} has shape [{string.Join(", ", featureShape)}]; expected {FeatureDim} features.");
                }
                if (normalize)
                {
                    EmbeddingMath.Normalize(features);
                }
                result[i] = features;
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Report the failure itself (all images fail the same way when a graph is wrong).
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return result;
    }

    private float[] PixelsBatch(IReadOnlyList<string> paths, CancellationToken ct)
    {
        int plane = 3 * ImageSize * ImageSize;
        var result = new float[paths.Count * plane];
        var failures = new System.Collections.Concurrent.ConcurrentBag<ImageBatchException>();
        Parallel.For(0, paths.Count, new ParallelOptions { CancellationToken = ct }, (i, state) =>
        {
            try
            {
                ToPlanar(Preprocessor.ResizeAndCrop(paths[i] ?? string.Empty), result.AsSpan(i * plane, plane));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add(new ImageBatchException(i, paths[i] ?? string.Empty, e));
                state.Stop();
            }
        });
        return failures.IsEmpty ? result : throw failures.MinBy(f => f.Index)!;
    }

    /// <summary>HWC RGB bytes → planar R, G, B floats with the byte values (ExtractPixels: scale 1, offset 0).</summary>
    private static void ToPlanar(byte[] rgb, Span<float> destination)
    {
        int plane = ImageSize * ImageSize;
        for (int i = 0, j = 0; i < plane; i++, j += 3)
        {
            destination[i] = rgb[j];
            destination[plane + i] = rgb[j + 1];
            destination[2 * plane + i] = rgb[j + 2];
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _prep.Dispose();
        _net.Dispose();
    }
}
