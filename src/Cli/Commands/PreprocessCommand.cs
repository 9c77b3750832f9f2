using MultiModal.Encoders.IO;

namespace MultiModal.Cli.Commands;

/// <summary><c>mm preprocess</c>: the normalised float32 [3, H, W] pixel tensor of one image, as a .npy file.</summary>
internal static class PreprocessCommand
{
    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr)
    {
        var args = Arguments.Parse(argv, ModelOptions.Flags);
        var image = args.Required("image");
        var output = args.Required("out");
        OutputPaths.EnsureSeparate(output, "--out", ("--image", image), ("--model", args.Optional("model")));
        OutputFiles.CheckNpy(output, "--out");
        using var model = ModelOptions.ReadAndLoadClip(args, stderr);
        int size = model.PreprocessOptions.ImageSize;
        var pixels = model.Preprocessor.Preprocess(image);
        NpyFile.Write(output, pixels, [3, size, size]);
        CliApp.WriteJson(stdout, w =>
        {
            w.WriteStartObject();
            w.WriteString("image", image);
            w.WriteString("out", output);
            w.WriteStartArray("shape");
            w.WriteNumberValue(3);
            w.WriteNumberValue(size);
            w.WriteNumberValue(size);
            w.WriteEndArray();
            w.WriteEndObject();
        });
        return CliApp.Ok;
    }
}
