using MultiModal.Encoders;
using static TorchSharp.torch;

namespace MultiModal.Cli;

/// <summary>The options shared by commands that load a model: <c>--model</c>, <c>--device</c>, <c>--tokenizer</c>.</summary>
internal static class ModelOptions
{
    public static ClipModel Load(Arguments args)
    {
        var dir = args.Required("model");
        var device = ParseDevice(args.Optional("device") ?? "cpu");
        return ClipModel.Load(dir, new ClipLoadOptions { Device = device, TokenizerPath = args.Optional("tokenizer") });
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
