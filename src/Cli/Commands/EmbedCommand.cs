using MultiModal.Encoders;

namespace MultiModal.Cli.Commands;

/// <summary><c>mm embed</c>: L2-normalised embeddings of images and texts, as JSON, in the order given.</summary>
internal static class EmbedCommand
{
    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, CancellationToken cancellationToken)
    {
        var args = Arguments.Parse(argv, new HashSet<string>());
        var images = args.All("image");
        var texts = args.All("text");
        int batchSize = args.Int("batch-size", 32);
        var modelOptions = ModelOptions.Read(args);
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
            w.WriteStartArray("images");
            for (var i = 0; i < images.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("path", images[i]);
                WriteVector(w, imageEmbeddings[i]);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("texts");
            for (var i = 0; i < texts.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("text", texts[i]);
                WriteVector(w, textEmbeddings[i]);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
        return CliApp.Ok;
    }

    private static void WriteVector(System.Text.Json.Utf8JsonWriter w, float[] vector)
    {
        w.WriteStartArray("embedding");
        foreach (var v in vector)
        {
            w.WriteNumberValue(v);
        }
        w.WriteEndArray();
    }
}
