using System.Globalization;
using MultiModal.Encoders.Config;

namespace MultiModal.Cli.Commands;

/// <summary><c>mm info</c>: architecture, parameter counts per tower, embed dim, image size, activation.</summary>
internal static class InfoCommand
{
    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr)
    {
        var args = Arguments.Parse(argv, ModelOptions.WithFlags("json"));
        bool json = args.Flag("json");
        using var model = ModelOptions.ReadAndLoadClip(args, stderr);
        var info = model.Describe();
        var c = info.Config;
        var activation = c.Activation == Activation.QuickGelu ? "quick_gelu" : "gelu";
        if (json)
        {
            CliApp.WriteJson(stdout, w =>
            {
                w.WriteStartObject();
                w.WriteString("model", info.Name);
                w.WriteString("layout", model.SourceLayout?.ToString() ?? "memory");
                w.WriteString("architecture", Architecture(c));
                w.WriteNumber("embed_dim", c.EmbedDim);
                w.WriteNumber("image_size", c.Vision.ImageSize);
                w.WriteString("activation", activation);
                w.WriteNumber("vision_parameters", info.VisionParameters);
                w.WriteNumber("text_parameters", info.TextParameters);
                w.WriteNumber("total_parameters", info.TotalParameters);
                w.WriteEndObject();
            });
            return CliApp.Ok;
        }
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine($"model:         {info.Name} ({model.SourceLayout?.ToString() ?? "memory"} layout)");
        stdout.WriteLine($"architecture:  {Architecture(c)}");
        stdout.WriteLine($"vision tower:  ViT, {c.Vision.Layers} layers, width {c.Vision.Width}, {c.Vision.Heads} heads, patch {c.Vision.PatchSize}, {info.VisionParameters.ToString("N0", inv)} parameters");
        stdout.WriteLine($"text tower:    Transformer, {c.Text.Layers} layers, width {c.Text.Width}, {c.Text.Heads} heads, context {c.Text.ContextLength}, vocab {c.Text.VocabSize}, {info.TextParameters.ToString("N0", inv)} parameters");
        stdout.WriteLine($"embed dim:     {c.EmbedDim}");
        stdout.WriteLine($"image size:    {c.Vision.ImageSize}");
        stdout.WriteLine($"activation:    {activation}");
        stdout.WriteLine($"parameters:    {info.TotalParameters.ToString("N0", inv)}");
        return CliApp.Ok;
    }

    /// <summary>The built-in name when the config equals one, else "custom".</summary>
    private static string Architecture(ClipConfig config) =>
        ClipArchitectures.Names.FirstOrDefault(n => ClipArchitectures.Get(n) == config) ?? "custom";
}
