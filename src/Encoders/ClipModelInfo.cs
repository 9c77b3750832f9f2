using MultiModal.Encoders.Config;
using MultiModal.Encoders.Models;

namespace MultiModal.Encoders;

/// <summary>A summary of a model for display (<c>mm info</c>): architecture and parameter counts per tower.</summary>
/// <param name="Name">Display name.</param>
/// <param name="Config">The architecture.</param>
/// <param name="VisionParameters">Parameters of the image tower.</param>
/// <param name="TextParameters">Parameters of the text tower.</param>
/// <param name="TotalParameters">All parameters (both towers and the logit scale).</param>
public sealed record ClipModelInfo(string Name, ClipConfig Config, long VisionParameters, long TextParameters, long TotalParameters)
{
    internal static ClipModelInfo Of(string name, ClipNetwork network)
    {
        static long Count(TorchSharp.torch.nn.Module module) => module.parameters().Sum(p => p.numel());
        return new ClipModelInfo(name, network.Config, Count(network.Visual), Count(network.Text), Count(network));
    }
}
