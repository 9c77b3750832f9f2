using System.Globalization;
using MultiModal.Index.Search;

namespace MultiModal.Cli.Commands;

/// <summary>
/// <c>mm search</c>: searches an index written by <c>mm index build</c> with a text or an image query, using the model
/// recorded in its catalog (or <c>--model</c>). Prints a rank/score/path table, or {query, hits: [{path, score}]}
/// with <c>--json</c>.
/// </summary>
internal static class SearchCommand
{
    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var args = Arguments.Parse(argv, ModelOptions.WithFlags("json"));
        var indexPath = args.Required("index");
        var text = args.Optional("text");
        var image = args.Optional("image");
        int k = args.Int("k", 10);
        bool json = args.Flag("json");
        var modelDirectory = args.Optional("model");
        var device = ModelOptions.ParseDevice(args.Optional("device") ?? "cpu");
        var tokenizer = args.Optional("tokenizer");
        bool allowTruncated = args.Flag("allow-truncated");
        args.RejectUnused();
        if (args.Positionals.Count > 0)
        {
            throw new UsageException($"Unexpected argument '{args.Positionals[0]}'.");
        }
        if ((text is null) == (image is null))
        {
            throw new UsageException("Give exactly one of --text or --image.");
        }

        modelDirectory ??= ImageSearchService.ReadModelDirectory(indexPath)
            ?? throw new UsageException($"'{indexPath}' records no model directory; pass --model DIR.");
        using var clip = new ModelOptions(modelDirectory, device, tokenizer, allowTruncated, stderr).Load();
        using var service = ImageSearchService.Open(clip, indexPath);
        var hits = text is not null
            ? service.SearchText(text, k, cancellationToken)
            : service.SearchImage(image!, k, cancellationToken);

        if (json)
        {
            CliApp.WriteJson(stdout, w =>
            {
                w.WriteStartObject();
                w.WriteString("query", text ?? image);
                w.WriteStartArray("hits");
                foreach (var hit in hits)
                {
                    w.WriteStartObject();
                    w.WriteString("path", hit.Path);
                    w.WriteNumber("score", hit.Score);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }
        else
        {
            stdout.WriteLine($"{"rank",4}  {"score",8}  path");
            for (var i = 0; i < hits.Count; i++)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i + 1,4}  {hits[i].Score,8:0.0000}  {hits[i].Path}"));
            }
        }
        return CliApp.Ok;
    }
}
