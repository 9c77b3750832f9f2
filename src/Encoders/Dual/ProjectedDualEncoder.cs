using System.Text.Json;
using System.Text.Json.Nodes;
using MultiModal.Encoders.Checkpoints;
using MultiModal.Encoders.IO;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Dual;

/// <summary>
/// A dual encoder made of two frozen feature towers (any <see cref="IImageEncoder"/> and <see cref="ITextEncoder"/>,
/// e.g. ONNX ResNet18 and MiniLM) and trained linear projection heads into one shared space: the LiT-style
/// ("locked-image tuning", arXiv:2111.07991) default model. Folder layout: <c>dual_encoder.json</c> naming the
/// towers and widths, and <c>heads.safetensors</c> (<see cref="DualProjectionHeads"/>).
/// </summary>
/// <remarks>
/// The encoder owns its towers and heads: <see cref="Dispose"/> disposes the towers that are <see cref="IDisposable"/>.
/// Thread-safe like its towers: the heads are only read, under <c>no_grad</c>.
/// </remarks>
public sealed class ProjectedDualEncoder : IMultimodalEncoder
{
    /// <summary>The manifest file name in a dual-encoder folder.</summary>
    public const string ManifestFile = "dual_encoder.json";

    /// <summary>The heads' weights file name in a dual-encoder folder.</summary>
    public const string HeadsFile = "heads.safetensors";

    private const string Format = "multimodal-dual-encoder";
    private const int FormatVersion = 1;

    private readonly IImageEncoder _image;
    private readonly ITextEncoder _text;

    private ProjectedDualEncoder(IImageEncoder image, string imageTower, ITextEncoder text, string textTower, DualProjectionHeads heads, string name)
    {
        _image = image;
        _text = text;
        ImageTowerName = imageTower;
        TextTowerName = textTower;
        Heads = heads;
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The image tower's name as recorded in <c>dual_encoder.json</c>.</summary>
    public string ImageTowerName { get; }

    /// <summary>The text tower's name as recorded in <c>dual_encoder.json</c>.</summary>
    public string TextTowerName { get; }

    /// <summary>The projection heads (the trainable part).</summary>
    public DualProjectionHeads Heads { get; }

    /// <summary>The frozen image tower.</summary>
    public IImageEncoder ImageTower => _image;

    /// <summary>The frozen text tower.</summary>
    public ITextEncoder TextTower => _text;

    /// <inheritdoc/>
    public int EmbedDim => Heads.EmbedDim;

    /// <inheritdoc/>
    public float LogitScale
    {
        get
        {
            using var noGrad = no_grad();
            return Heads.LogitScale.exp().item<float>();
        }
    }

    /// <summary>Composes towers and heads; the tower widths must match the heads' input widths.</summary>
    /// <exception cref="ArgumentException">A tower's width differs from the heads' input width, or a name is empty.</exception>
    public static ProjectedDualEncoder Create(IImageEncoder image, string imageTowerName, ITextEncoder text, string textTowerName, DualProjectionHeads heads, string name = "dual-encoder")
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(heads);
        ArgumentException.ThrowIfNullOrWhiteSpace(imageTowerName);
        ArgumentException.ThrowIfNullOrWhiteSpace(textTowerName);
        if (image.EmbedDim != heads.ImageFeatureDim)
        {
            throw new ArgumentException($"Image tower '{imageTowerName}' returns {image.EmbedDim}-d features but the heads expect {heads.ImageFeatureDim}.", nameof(image));
        }
        if (text.EmbedDim != heads.TextFeatureDim)
        {
            throw new ArgumentException($"Text tower '{textTowerName}' returns {text.EmbedDim}-d features but the heads expect {heads.TextFeatureDim}.", nameof(text));
        }
        heads.eval();
        return new ProjectedDualEncoder(image, imageTowerName, text, textTowerName, heads, name);
    }

    /// <summary>Loads a folder written by <see cref="Save"/>, building the towers it names with <paramref name="towers"/>.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="towers">Builds the frozen towers the manifest names.</param>
    /// <param name="options">Whether NaN/Inf heads are accepted, and where load warnings go; null for the defaults.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The manifest or the heads file is missing.</exception>
    /// <exception cref="FormatException">The manifest is malformed; names the file and the field.</exception>
    /// <exception cref="CheckpointFormatException">The heads file is corrupt, or holds NaN or infinite values (see <see cref="DualEncoderLoadOptions.AllowNonFiniteWeights"/>); names the file.</exception>
    /// <exception cref="CheckpointMismatchException">The heads file's tensors do not fit the manifest's widths (names or shapes); found from its header, before the heads are built.</exception>
    public static ProjectedDualEncoder Load(string directory, DualTowerFactory towers, DualEncoderLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(towers);
        options ??= new DualEncoderLoadOptions();
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Dual-encoder folder {directory} does not exist.");
        }
        var manifestPath = Path.Combine(directory, ManifestFile);
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"{directory} is not a dual-encoder folder: {ManifestFile} is missing.", manifestPath);
        }
        var manifest = DualEncoderManifest.Read(manifestPath, Format, FormatVersion);
        var heads = LoadHeads(Path.Combine(directory, HeadsFile), manifest, options);
        try
        {
            var image = towers.CreateImageTower(manifest.ImageTower);
            var text = towers.CreateTextTower(manifest.TextTower);
            var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
            return Create(image, manifest.ImageTower, text, manifest.TextTower, heads, name);
        }
        catch
        {
            heads.Dispose();
            throw;
        }
    }

    /// <summary>Writes the folder (manifest + heads) atomically: staged beside the target, then renamed into place.</summary>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var manifest = new DualEncoderManifest(ImageTowerName, Heads.ImageFeatureDim, TextTowerName, Heads.TextFeatureDim, Heads.EmbedDim);
        AtomicFolder.Write(directory, staging =>
        {
            using var scope = NewDisposeScope();
            var state = Heads.state_dict().Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.detach().cpu())).ToList();
            SafeTensorsWriter.Save(Path.Combine(staging, HeadsFile), state, new Dictionary<string, string> { ["format"] = "pt" });
            AtomicFolder.WriteText(Path.Combine(staging, ManifestFile), manifest.ToJson(Format, FormatVersion));
        }, new AtomicFolderOptions { Kind = "model" });
    }

    /// <inheritdoc/>
    public float[][] EncodeImages(IReadOnlyList<string> paths, int batchSize = 32, bool normalize = true, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        Project(_image.EncodeImages(paths, batchSize, normalize: false, progress, cancellationToken), Heads.ProjectImage, normalize);

    /// <inheritdoc/>
    public float[][] EncodeImages(IReadOnlyList<Stream> streams, IReadOnlyList<string>? names = null, int batchSize = 32, bool normalize = true, CancellationToken cancellationToken = default) =>
        Project(_image.EncodeImages(streams, names, batchSize, normalize: false, cancellationToken), Heads.ProjectImage, normalize);

    /// <inheritdoc/>
    public float[][] EncodeTexts(IReadOnlyList<string> texts, int batchSize = 256, bool normalize = true, CancellationToken cancellationToken = default) =>
        Project(_text.EncodeTexts(texts, batchSize, normalize: false, cancellationToken), Heads.ProjectText, normalize);

    /// <summary>Disposes the heads and the towers that are disposable.</summary>
    public void Dispose()
    {
        Heads.Dispose();
        (_image as IDisposable)?.Dispose();
        if (!ReferenceEquals(_image, _text))
        {
            (_text as IDisposable)?.Dispose();
        }
    }

    private static float[][] Project(float[][] features, Func<Tensor, Tensor> head, bool normalize)
    {
        if (features.Length == 0)
        {
            return [];
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int width = features[0].Length;
        var flat = new float[features.Length * width];
        for (var i = 0; i < features.Length; i++)
        {
            features[i].CopyTo(flat, i * width);
        }
        var projected = head(tensor(flat, [features.Length, width]));             // [B, D]
        if (normalize)
        {
            projected = nn.functional.normalize(projected, dim: -1);
        }
        var values = projected.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        int dim = (int)projected.shape[1];
        var rows = new float[features.Length][];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = values.AsSpan(i * dim, dim).ToArray();
        }
        return rows;
    }

    /// <summary>
    /// Checks the heads file against the manifest's widths from its header, and only then builds the heads and fills
    /// them: a manifest declaring huge widths fails on the header instead of allocating them.
    /// </summary>
    private static DualProjectionHeads LoadHeads(string path, DualEncoderManifest manifest, DualEncoderLoadOptions options)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Heads file {path} is missing.", path);
        }
        using var file = SafeTensorsFile.Open(path, new SafeTensorsReadOptions { RejectNonFinite = !options.AllowNonFiniteWeights });
        var expected = DualProjectionHeads.StateShapes(manifest.ImageFeatureDim, manifest.TextFeatureDim, manifest.EmbedDim)
            .ToDictionary(kv => kv.Key, kv => new TensorSpec(kv.Value, ScalarType.Float32), StringComparer.Ordinal);
        var map = StateDictLoader.Identity(expected.Keys);
        StateDictLoader.Check(expected, file, map);
        var heads = DualProjectionHeads.Create(manifest.ImageFeatureDim, manifest.TextFeatureDim, manifest.EmbedDim, seed: 0);
        try
        {
            StateDictLoader.Copy(heads, file, map);
            LoadWarnings.IfAllZero(heads.ImageProjection, "image_projection", "image", file.FilePath, options.Warn);
            LoadWarnings.IfAllZero(heads.TextProjection, "text_projection", "text", file.FilePath, options.Warn);
            return heads;
        }
        catch
        {
            heads.Dispose();
            throw;
        }
    }
}
