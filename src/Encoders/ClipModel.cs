using MultiModal.Encoders.Checkpoints;
using MultiModal.Encoders.Config;
using MultiModal.Encoders.Imaging;
using MultiModal.Encoders.Models;
using MultiModal.Encoders.Threading;
using MultiModal.Encoders.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace MultiModal.Encoders;

/// <summary>
/// A loaded CLIP model for applications: the network, its tokenizer and its image preprocessing, on one device.
/// Encodes images (paths, streams or pixel tensors) and texts in batches without autograd, L2-normalised by
/// default, as <c>float</c> arrays for host apps or as tensors for library code.
/// </summary>
/// <remarks>
/// Encoding methods may be called from several threads; they serialise on the network (one forward at a time, first
/// come first served, so a tight loop of searches cannot starve a bulk job),
/// while image decoding and resizing run in parallel over the machine's cores.
/// </remarks>
public sealed class ClipModel : IMultimodalEncoder
{
    private readonly FairLock _forwardLock = new();
    private bool _disposed;

    private ClipModel(ClipNetwork network, ClipTokenizer tokenizer, ImagePreprocessOptions preprocess, Device device, ScalarType dtype, string name, CheckpointLayout? layout)
    {
        Network = network;
        Tokenizer = tokenizer;
        PreprocessOptions = preprocess;
        Preprocessor = ImagePreprocessor.Create(preprocess);
        Device = device;
        DType = dtype;
        Name = name;
        SourceLayout = layout;
    }

    /// <summary>The TorchSharp network (in eval mode).</summary>
    public ClipNetwork Network { get; }

    /// <summary>The architecture.</summary>
    public ClipConfig Config => Network.Config;

    /// <summary>The text tokenizer.</summary>
    public ClipTokenizer Tokenizer { get; }

    /// <summary>The image preprocessing settings (size, mean/std, interpolation, resize mode).</summary>
    public ImagePreprocessOptions PreprocessOptions { get; }

    /// <summary>The image preprocessor built from <see cref="PreprocessOptions"/>.</summary>
    public ImagePreprocessor Preprocessor { get; }

    /// <summary>The device the network runs on.</summary>
    public Device Device { get; }

    /// <summary>The compute dtype.</summary>
    public ScalarType DType { get; }

    /// <summary>A display name (the folder name for loaded models).</summary>
    public string Name { get; }

    /// <summary>The layout the model was loaded from, or null for a model made in memory.</summary>
    public CheckpointLayout? SourceLayout { get; }

    /// <summary>Embedding width.</summary>
    public int EmbedDim => Config.EmbedDim;

    /// <inheritdoc/>
    public float LogitScale
    {
        get
        {
            using var scale = Network.LogitScale.detach().exp().to(ScalarType.Float32).cpu();
            return scale.item<float>();
        }
    }

    /// <summary>
    /// Loads a model folder as users download it: the OpenCLIP hub layout, the Hugging Face CLIPModel layout, or this
    /// library's own (see <see cref="CheckpointLayout"/>). Loading is strict: every missing, unexpected or
    /// mis-shaped tensor is reported in one <see cref="CheckpointMismatchException"/>, found from the weights file's
    /// header before the network is built, so a config that does not fit its file costs no allocation. NaN and
    /// infinite weights are refused (<see cref="ClipLoadOptions.AllowNonFiniteWeights"/>); suspicious but loadable
    /// weights are reported to <see cref="ClipLoadOptions.Warn"/>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder holds no known layout, or no tokenizer vocabulary.</exception>
    /// <exception cref="CheckpointFormatException">The weights file is malformed, or a tensor holds NaN or infinite values (see <see cref="ClipLoadOptions.AllowNonFiniteWeights"/>).</exception>
    /// <exception cref="CheckpointMismatchException">The weights do not match the config.</exception>
    public static ClipModel Load(string directory, ClipLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        options ??= new ClipLoadOptions();
        options.Validate();
        var folder = ModelFolder.Inspect(directory);
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        using var weights = SafeTensorsFile.Open(folder.WeightsPath, new SafeTensorsReadOptions { RejectNonFinite = !options.AllowNonFiniteWeights });
        // Every tensor is checked against the config from the header before anything is built or read, so a config
        // declaring a far larger model than its file fails here, naming the tensors, instead of allocating that model.
        var keyMap = ClipWeights.CheckHeader(folder.Layout, folder.Config, weights);
        var tokenizer = ClipTokenizer.FromModelDirectory(directory, new ClipTokenizerOptions { ContextLength = folder.Config.Text.ContextLength }, options.TokenizerPath);
        var network = new ClipNetwork(folder.Config);
        try
        {
            StateDictLoader.Copy(network, weights, keyMap);
            ClipWeights.WarnOnZeroProjections(network, keyMap, weights.FilePath, options.Warn);
            return Finish(network, tokenizer, folder.Preprocess, options, name, folder.Layout);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Wraps an in-memory network (e.g. freshly trained or randomly initialised) with a tokenizer and preprocessing.</summary>
    public static ClipModel Create(ClipNetwork network, ClipTokenizer tokenizer, ImagePreprocessOptions preprocess, ClipLoadOptions? options = null, string name = "clip")
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(preprocess);
        options ??= new ClipLoadOptions();
        options.Validate();
        return Finish(network, tokenizer, preprocess, options, name, null);
    }

    private static ClipModel Finish(ClipNetwork network, ClipTokenizer tokenizer, ImagePreprocessOptions preprocess, ClipLoadOptions options, string name, CheckpointLayout? layout)
    {
        if (options.AllowTruncatedImages)
        {
            preprocess = preprocess with { AllowTruncated = true };
        }
        if (preprocess.ImageSize != network.Config.Vision.ImageSize)
        {
            throw new ArgumentException($"Preprocessing crops to {preprocess.ImageSize} px but the image tower takes {network.Config.Vision.ImageSize} px.", nameof(preprocess));
        }
        var device = options.Device ?? CPU;
        network.to(options.DType).to(device);
        network.eval();
        return new ClipModel(network, tokenizer, preprocess, device, options.DType, name, layout);
    }

    /// <summary>Encodes image files in batches; rows follow the input order.</summary>
    /// <param name="paths">Image files (JPEG, PNG, GIF, BMP, WebP, TIFF).</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="normalize">L2-normalise the embeddings (the default, as retrieval and zero-shot need).</param>
    /// <param name="progress">Receives the number of images encoded so far after each batch.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <exception cref="ImageBatchException">An image could not be read; names the item and its index in <paramref name="paths"/>.</exception>
    public float[][] EncodeImages(IReadOnlyList<string> paths, int batchSize = 32, bool normalize = true, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ImageBatches.EncodePaths(paths, batchSize, (slice, ct) => Preprocessor.PreprocessBatch(slice, -1, ct),
            (pixels, count) => EncodePixels(pixels, count, normalize), progress, cancellationToken);
    }

    /// <summary>Encodes images read from streams (each read to its end); <paramref name="names"/> label errors.</summary>
    /// <exception cref="ImageBatchException">An image could not be read; names the item and its index.</exception>
    public float[][] EncodeImages(IReadOnlyList<Stream> streams, IReadOnlyList<string>? names = null, int batchSize = 32, bool normalize = true, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ImageBatches.EncodeStreams(streams, names, batchSize, Preprocessor.OutputLength, Preprocessor.Preprocess,
            (pixels, count) => EncodePixels(pixels, count, normalize), cancellationToken);
    }

    /// <summary>Encodes preprocessed pixels [B, 3, S, S] (any device; moved to the model's) into embeddings [B, E].</summary>
    public Tensor EncodeImages(Tensor pixels, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        return Infer(() => Network.EncodeImage(pixels.to(DType, Device), normalize));
    }

    /// <summary>Encodes texts in batches; rows follow the input order. Over-long texts are handled per the tokenizer's options.</summary>
    public float[][] EncodeTexts(IReadOnlyList<string> texts, int batchSize = 256, bool normalize = true, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return TextBatches.Encode(texts, batchSize, slice =>
        {
            var batch = Tokenizer.Tokenize(slice);
            using var scope = NewDisposeScope();
            using var input = tensor(batch.Ids, [slice.Count, Tokenizer.ContextLength]);
            var rows = new float[slice.Count][];
            CopyRows(EncodeTexts(input, normalize), rows, 0);
            return rows;
        }, cancellationToken);
    }

    /// <summary>Encodes token ids [B, L] (int64) into embeddings [B, E].</summary>
    public Tensor EncodeTexts(Tensor tokens, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return Infer(() => Network.EncodeText(tokens.to(Device), normalize));
    }

    /// <summary>One forward pass without autograd; passes are serialised on the network.</summary>
    private Tensor Infer(Func<Tensor> forward)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var inference = inference_mode();
        using (_forwardLock.Enter())
        {
            using var scope = NewDisposeScope();
            return forward().MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// Scaled cosine similarities between image and text embeddings: <c>exp(logit_scale) · cos</c>, [images, texts]
    /// (CLIP's <c>logits_per_image</c>). Inputs need not be normalised.
    /// </summary>
    public float[,] ComputeLogits(IReadOnlyList<float[]> imageEmbeddings, IReadOnlyList<float[]> textEmbeddings)
    {
        ArgumentNullException.ThrowIfNull(imageEmbeddings);
        ArgumentNullException.ThrowIfNull(textEmbeddings);
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var images = nn.functional.normalize(Stack(imageEmbeddings, nameof(imageEmbeddings)), dim: -1);
        var texts = nn.functional.normalize(Stack(textEmbeddings, nameof(textEmbeddings)), dim: -1);
        var logits = (images.matmul(texts.t()) * Network.LogitScale.detach().exp().to(ScalarType.Float32).cpu()).contiguous();
        var flat = logits.data<float>().ToArray();
        var result = new float[imageEmbeddings.Count, textEmbeddings.Count];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(float));
        return result;
    }

    /// <summary>Parameter counts of the towers and the whole model.</summary>
    public ClipModelInfo Describe() => ClipModelInfo.Of(Name, Network);

    /// <summary>
    /// Saves the model in this library's own layout (<c>multimodal_config.json</c>, <c>model.safetensors</c>, the
    /// tokenizer files). The folder is written beside the target and swapped in, so a crash leaves either the old
    /// folder or the new one.
    /// </summary>
    public void Save(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ModelFolder.Save(this, directory);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Network.Dispose();
        }
    }

    /// <summary>Runs the image tower on [count, 3, S, S] host pixels; one row per image.</summary>
    private float[][] EncodePixels(float[] pixels, int count, bool normalize)
    {
        int size = PreprocessOptions.ImageSize;
        using var scope = NewDisposeScope();
        using var input = tensor(pixels, [count, 3, size, size]);
        var rows = new float[count][];
        CopyRows(EncodeImages(input, normalize), rows, 0);
        return rows;
    }

    private static void CopyRows(Tensor embeddings, float[][] destination, int start)
    {
        using var cpu = embeddings.to(ScalarType.Float32).cpu().contiguous();
        var flat = cpu.data<float>().ToArray();
        int dim = (int)cpu.shape[1];
        for (var i = 0; i < cpu.shape[0]; i++)
        {
            destination[start + i] = flat.AsSpan(i * dim, dim).ToArray();
        }
    }

    private Tensor Stack(IReadOnlyList<float[]> rows, string name)
    {
        var flat = new float[(long)rows.Count * EmbedDim];
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i] is null || rows[i].Length != EmbedDim)
            {
                throw new ArgumentException($"{name}[{i}] has {rows[i]?.Length ?? 0} values; this model's embeddings have {EmbedDim}.", name);
            }
            rows[i].CopyTo(flat, (long)i * EmbedDim);
        }
        return tensor(flat, [rows.Count, EmbedDim]);
    }
}
