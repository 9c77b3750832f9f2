using System.Globalization;
using MultiModal.Encoders.Config;
using MultiModal.Encoders.Models;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Checkpoints;

/// <summary>
/// The checks a CLIP weights file passes before the network is built: every tensor's name, type and shape against the
/// config, from the header alone. A config that declares a far larger model than its file holds therefore fails in
/// milliseconds with the offending tensors named, instead of allocating the model first.
/// </summary>
internal static class ClipWeights
{
    /// <summary>
    /// How many tensors more than the file holds a config may imply and still have its missing keys listed one by one;
    /// past that (say a config with a million layers) the report is a count, so listing keys cannot itself balloon.
    /// </summary>
    public const int MaxListedMissing = 1024;

    /// <summary>Checks <paramref name="file"/> against <paramref name="config"/>; returns the key map to copy with.</summary>
    /// <exception cref="CheckpointMismatchException">The file does not fit the config; names the file and the tensors (or the counts).</exception>
    public static IReadOnlyList<TensorRecipe> CheckHeader(CheckpointLayout layout, ClipConfig config, SafeTensorsFile file)
    {
        var tensors = ClipStateShapes.TensorCount(config);
        if (tensors > file.Tensors.Count + MaxListedMissing)
        {
            throw new CheckpointMismatchException(file.FilePath, string.Create(CultureInfo.InvariantCulture,
                $"the config implies {tensors:N0} tensors ({config.Vision.Layers:N0} vision and {config.Text.Layers:N0} text layers, {ClipStateShapes.ParameterCount(config):N0} parameters) but the file holds {file.Tensors.Count:N0}"));
        }
        var map = ClipKeyMaps.For(layout, config);
        var expected = ClipStateShapes.Of(config).ToDictionary(s => s.Key, s => new TensorSpec(s.Shape, ScalarType.Float32), StringComparer.Ordinal);
        StateDictLoader.Check(expected, file, map, ClipKeyMaps.IsIgnorable);
        return map;
    }

    /// <summary>Warns about each projection of <paramref name="network"/> that is all zeros (see <see cref="ClipLoadOptions.Warn"/>).</summary>
    public static void WarnOnZeroProjections(ClipNetwork network, IReadOnlyList<TensorRecipe> map, string filePath, Action<string>? warn)
    {
        if (warn is null)
        {
            return;
        }
        var state = network.state_dict();
        foreach (var (key, tower) in new[] { ("visual.proj", "image"), ("text.text_projection", "text") })
        {
            var sources = map.First(r => r.Target == key).Sources;
            LoadWarnings.IfAllZero(state[key], string.Join(", ", sources), tower, filePath, warn);
        }
    }
}
