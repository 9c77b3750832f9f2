using MultiModal.Encoders;
using static TorchSharp.torch;

namespace MultiModal.Cli;

/// <summary>The options shared by commands that load a model: <c>--model</c>, <c>--device</c>, <c>--tokenizer</c>.</summary>
internal sealed record ModelOptions(string Directory, Device Device, string? Tokenizer)
{
    /// <summary>Reads the options (usage errors surface here, before any loading).</summary>
    public static ModelOptions Read(Arguments args) =>
        new(args.Required("model"), ParseDevice(args.Optional("device") ?? "cpu"), args.Optional("tokenizer"));

    public ClipModel Load() => ClipModel.Load(Directory, new ClipLoadOptions { Device = Device, TokenizerPath = Tokenizer });

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
