using MultiModal.Encoders;
using static TorchSharp.torch;

namespace MultiModal.Cli;

/// <summary>The options shared by commands that load a model: <c>--model</c>, <c>--device</c>, <c>--tokenizer</c>.</summary>
internal sealed record ModelOptions(string Directory, Device Device, string? Tokenizer)
{
    /// <summary>Reads the options (usage errors surface here, before any loading).</summary>
    public static ModelOptions Read(Arguments args) =>
        new(args.Required("model"), ParseDevice(args.Optional("device") ?? "cpu"), args.Optional("tokenizer"));

    /// <summary>
    /// Reads the model options, rejects unknown options and (unless <paramref name="positionals"/>) stray arguments,
    /// then loads the model: every usage error is reported before any loading starts.
    /// </summary>
    public static ClipModel ReadAndLoadClip(Arguments args, bool positionals = false)
    {
        var options = Read(args);
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
        return ClipModel.Load(directory, new ClipLoadOptions { Device = Device, TokenizerPath = Tokenizer });
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
