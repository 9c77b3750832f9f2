using MultiModal.Encoders;
using static TorchSharp.torch;

namespace MultiModal.Cli;

/// <summary>
/// The options shared by commands that load a model: <c>--model</c>, <c>--device</c>, <c>--tokenizer</c>,
/// <c>--allow-truncated</c>; load warnings (an all-zero projection) go to standard error.
/// </summary>
internal sealed record ModelOptions(string Directory, Device Device, string? Tokenizer, bool AllowTruncated = false, TextWriter? Warnings = null)
{
    /// <summary>The flags (options without a value) every model-loading command accepts.</summary>
    public static readonly IReadOnlySet<string> Flags = new HashSet<string>(StringComparer.Ordinal) { "allow-truncated" };

    /// <summary>Reads the options (usage errors surface here, before any loading); warnings go to <paramref name="stderr"/>.</summary>
    public static ModelOptions Read(Arguments args, TextWriter stderr) =>
        new(args.Required("model"), ParseDevice(args.Optional("device") ?? "cpu"), args.Optional("tokenizer"), args.Flag("allow-truncated"), stderr);

    /// <summary>A command's flags plus <see cref="Flags"/>.</summary>
    public static IReadOnlySet<string> WithFlags(params string[] own) => new HashSet<string>(Flags.Concat(own), StringComparer.Ordinal);

    private Action<string>? Warn => Warnings is null ? null : message => Warnings.WriteLine($"mm: warning: {message}");

    /// <summary>
    /// Reads the model options, rejects unknown options and (unless <paramref name="positionals"/>) stray arguments,
    /// then loads the model: every usage error is reported before any loading starts.
    /// </summary>
    public static ClipModel ReadAndLoadClip(Arguments args, TextWriter stderr, bool positionals = false)
    {
        var options = Read(args, stderr);
        args.RejectUnused();
        if (!positionals && args.Positionals.Count > 0)
        {
            throw new UsageException($"Unexpected argument '{args.Positionals[0]}'.");
        }
        return options.LoadClip();
    }

    /// <summary>The model folder when <see cref="Directory"/> names one on disk (not <c>default</c>), for overlap checks.</summary>
    public string? ExistingDirectory => System.IO.Directory.Exists(Directory) ? Directory : null;

    /// <summary>Loads any model kind (<see cref="MultimodalModels"/>): a CLIP checkpoint, an ONNX export, a dual encoder or <c>default</c>.</summary>
    public IMultimodalEncoder Load() => MultimodalModels.Load(Directory, new MultimodalLoadOptions
    {
        Device = Device,
        TokenizerPath = Tokenizer,
        AllowTruncatedImages = AllowTruncated,
        Warn = Warn,
        Onnx = new MultiModal.Encoders.Onnx.OnnxSessionOptions
        {
            ExecutionProvider = Device.type == TorchSharp.DeviceType.CUDA ? MultiModal.Encoders.Onnx.OnnxExecutionProvider.Cuda : MultiModal.Encoders.Onnx.OnnxExecutionProvider.Cpu,
        },
    });

    /// <summary>Loads a CLIP checkpoint for the TorchSharp towers (commands that need its tokenizer or preprocessing).</summary>
    public ClipModel LoadClip()
    {
        var directory = MultimodalModels.ResolveDirectory(Directory);
        var kind = MultimodalModels.Detect(directory);
        if (kind != MultimodalModelKind.Clip)
        {
            throw new UsageException($"--model '{Directory}' is a {kind} model; this command needs a CLIP checkpoint (TorchSharp towers).");
        }
        return ClipModel.Load(directory, new ClipLoadOptions { Device = Device, TokenizerPath = Tokenizer, AllowTruncatedImages = AllowTruncated, Warn = Warn });
    }

    public static Device ParseDevice(string name)
    {
        switch (name)
        {
            case "cpu":
                return CPU;
            case "cuda":
                if (!cuda.is_available())
                {
                    throw new UsageException("--device cuda: no CUDA device is available (this build or machine runs on CPU only).");
                }
                return CUDA;
            default:
                throw new UsageException($"--device must be cpu or cuda, got '{name}'.");
        }
    }
}
