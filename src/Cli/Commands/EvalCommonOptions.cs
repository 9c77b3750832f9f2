using MultiModal.Eval;

namespace MultiModal.Cli.Commands;

/// <summary>The options <c>mm eval zeroshot</c> and <c>mm eval retrieval</c> share, and writing their outputs.</summary>
internal sealed record EvalCommonOptions(string DatasetSpec, string? Out, string? Markdown, int Batch, bool Json, ModelOptions Model)
{
    /// <summary>The flags of both subcommands (options without a value).</summary>
    public static readonly IReadOnlySet<string> Flags = ModelOptions.WithFlags("json");

    /// <summary>Reads the shared options; the caller reads its own, then calls <see cref="Check"/>.</summary>
    public static EvalCommonOptions Read(Arguments args, TextWriter stderr) =>
        new(args.Required("dataset"), args.Optional("out"), args.Optional("markdown"), args.Int("batch", 32), args.Flag("json"), ModelOptions.Read(args, stderr));

    /// <summary>Rejects unknown options and stray arguments; fails early on output folders that do not exist.</summary>
    public void Check(Arguments args)
    {
        args.RejectUnused();
        if (args.Positionals.Count > 0)
        {
            throw new UsageException($"Unexpected argument '{args.Positionals[0]}'.");
        }
        if (Out is not null && Out == Markdown)
        {
            throw new UsageException("--out and --markdown name the same file.");
        }
        foreach (var (option, path) in new[] { ("--out", Out), ("--markdown", Markdown) })
        {
            if (path is null)
            {
                continue;
            }
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null && !Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"{option} '{path}': folder '{folder}' does not exist.");
            }
            Encoders.IO.OutputPaths.EnsureSeparate(path, option, ("--model", Model.Directory));
            if (option == "--out")
            {
                OutputFiles.CheckJsonReport(path, option);
            }
            else
            {
                OutputFiles.CheckMarkdownTable(path, option);
            }
        }
    }

    /// <summary>Saves the report (--out, --markdown, atomically), prints the Markdown table and, with --json, the report as one JSON line.</summary>
    public void Write(EvalReport report, TextWriter stdout)
    {
        if (Out is not null)
        {
            report.Save(Out);
        }
        if (Markdown is not null)
        {
            EvalMarkdown.Save(Markdown, [report]);
        }
        stdout.Write(EvalMarkdown.Render([report]));
        if (Json)
        {
            stdout.WriteLine(report.ToJson());
        }
    }
}
