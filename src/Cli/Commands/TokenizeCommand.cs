using MultiModal.Encoders;

namespace MultiModal.Cli.Commands;

/// <summary><c>mm tokenize</c>: the padded token rows the text tower would see.</summary>
internal static class TokenizeCommand
{
    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr)
    {
        var args = Arguments.Parse(argv, ModelOptions.Flags);
        var modelOptions = ModelOptions.Read(args, stderr);
        args.RejectUnused();
        if (args.Positionals.Count == 0)
        {
            throw new UsageException("Give at least one TEXT to tokenize.");
        }
        using var model = modelOptions.LoadClip();
        var tokenizer = model.Tokenizer;
        var ids = tokenizer.Tokenize(args.Positionals).Ids;
        int context = tokenizer.ContextLength;
        CliApp.WriteJson(stdout, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("context_length", context);
            w.WriteStartArray("tokens");
            for (var i = 0; i < args.Positionals.Count; i++)
            {
                w.WriteStartArray();
                for (var j = 0; j < context; j++)
                {
                    w.WriteNumberValue(ids[(i * context) + j]);
                }
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
        return CliApp.Ok;
    }
}
