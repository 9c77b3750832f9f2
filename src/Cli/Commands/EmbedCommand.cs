using MultiModal.Encoders;

namespace MultiModal.Cli.Commands;

/// <summary><c>mm embed</c>: L2-normalised embeddings of images and texts, as JSON, in the order given.</summary>
internal static class EmbedCommand
{
    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var args = Arguments.Parse(argv, ModelOptions.Flags);
        var images = args.All("image");
        var texts = args.All("text");
        int batchSize = args.Int("batch-size", 32);
        var modelOptions = ModelOptions.Read(args, stderr);
        args.RejectUnused();
        if (args.Positionals.Count > 0)
        {
            throw new UsageException($"Unexpected argument '{args.Positionals[0]}' (texts go after --text).");
        }
        if (images.Count == 0 && texts.Count == 0)
        {
            throw new UsageException("Nothing to embed: give --image PATH and/or --text TEXT.");
        }
        using var model = modelOptions.Load();
        var imageEmbeddings = model.EncodeImages(images, batchSize, cancellationToken: cancellationToken);
        var textEmbeddings = model.EncodeTexts(texts, batchSize, cancellationToken: cancellationToken);
        CliApp.WriteJson(stdout, w =>
        {
            w.WriteStartObject();
            w.WriteString("model", model.Name);
            w.WriteNumber("dim", model.EmbedDim);
            WriteItems(w, "images", "path", images, imageEmbeddings);
            WriteItems(w, "texts", "text", texts, textEmbeddings);
            w.WriteEndObject();
        });
        return CliApp.Ok;
    }

    /// <summary>Writes <c>"name": [{"label": ..., "embedding": [...]}, ...]</c>.</summary>
    private static void WriteItems(System.Text.Json.Utf8JsonWriter w, string name, string labelKey, IReadOnlyList<string> labels, float[][] embeddings)
    {
        w.WriteStartArray(name);
        for (var i = 0; i < labels.Count; i++)
        {
            w.WriteStartObject();
            w.WriteString(labelKey, labels[i]);
            w.WriteStartArray("embedding");
            foreach (var v in embeddings[i])
            {
                w.WriteNumberValue(v);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
