using MultiModal.Eval;
using MultiModal.Index.ZeroShot;
using MultiModal.Training.Data;

namespace MultiModal.Cli.Commands;

/// <summary>
/// <c>mm eval zeroshot</c> and <c>mm eval retrieval</c>: the benchmark harness of <see cref="ZeroShotEvaluation"/> and
/// <see cref="RetrievalEvaluation"/> on a dataset spec. Prints a Markdown table (and with --json the report as one
/// JSON line); --out saves CLIP_benchmark-compatible JSON, --markdown the table. Progress goes to standard error.
/// </summary>
/// <remarks>Every usage error (including an unusable dataset or subset) is reported before the model loads.</remarks>
internal static class EvalCommand
{
    /// <summary>Templates for datasets without a built-in set of their own: OpenAI's 80 ImageNet prompts.</summary>
    private const string DefaultTemplateSet = "imagenet1k";

    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        argv.FirstOrDefault() switch
        {
            "zeroshot" => RunZeroShot(argv.Skip(1).ToList(), stdout, stderr, cancellationToken),
            "retrieval" => RunRetrieval(argv.Skip(1).ToList(), stdout, stderr, cancellationToken),
            var sub => throw new UsageException(sub is null
                ? "mm eval needs a subcommand: zeroshot or retrieval."
                : $"Unknown eval subcommand '{sub}' (zeroshot or retrieval)."),
        };

    private static int RunZeroShot(List<string> argv, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var args = Arguments.Parse(argv, EvalCommonOptions.Flags);
        var common = EvalCommonOptions.Read(args, stderr);
        var templatesOption = args.Optional("templates");
        var subset = ParseSubset(args.Optional("subset"));
        common.Check(args);

        var dataset = EvalDatasets.Resolve(common.DatasetSpec);
        using var owned = dataset as IDisposable;
        var classNames = dataset.ClassNames ?? throw new UsageException(
            $"--dataset '{common.DatasetSpec}' ({dataset.Name}) has no class names: mm eval zeroshot needs a classification set (try mm eval retrieval).");
        var unknown = subset?.Where(s => !classNames.Contains(s, StringComparer.Ordinal)).ToList();
        if (unknown is { Count: > 0 })
        {
            throw new UsageException($"--subset: {string.Join(", ", unknown.Select(u => $"'{u}'"))} {(unknown.Count > 1 ? "are" : "is")} not a class of {dataset.Name}.");
        }
        var templates = ClassifyCommand.ReadTemplates(templatesOption ?? DefaultTemplatesFor(dataset.Name));

        using var model = common.Model.Load();
        var options = new ZeroShotEvalOptions { Templates = templates, SubsetClasses = subset, BatchSize = common.Batch };
        var result = ZeroShotEvaluation.Evaluate(model, dataset, options, new EvalProgressWriter(stderr), cancellationToken);
        common.Write(EvalReport.ForZeroShot(dataset.Name, model.Name, result, subset) with { Pretrained = common.Model.Directory }, stdout);
        return CliApp.Ok;
    }

    private static int RunRetrieval(List<string> argv, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var args = Arguments.Parse(argv, EvalCommonOptions.Flags);
        var common = EvalCommonOptions.Read(args, stderr);
        common.Check(args);

        var dataset = EvalDatasets.Resolve(common.DatasetSpec);
        using var owned = dataset as IDisposable;
        if (!Enumerable.Range(0, dataset.Count).Any(i => dataset[i].Captions.Count > 0))
        {
            throw new UsageException($"--dataset '{common.DatasetSpec}' ({dataset.Name}) has no captions: mm eval retrieval needs a caption set{(dataset.ClassNames is null ? "" : " (for class labels use mm eval zeroshot)")}.");
        }

        using var model = common.Model.Load();
        var options = new RetrievalEvalOptions { BatchSize = common.Batch };
        var scores = RetrievalEvaluation.Evaluate(model, dataset, options, new EvalProgressWriter(stderr), cancellationToken);
        common.Write(EvalReport.ForRetrieval(dataset.Name, model.Name, scores) with { Pretrained = common.Model.Directory }, stdout);
        return CliApp.Ok;
    }

    /// <summary>--subset "cat,dog": comma-separated class names, spaces around each trimmed.</summary>
    private static string[]? ParseSubset(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var names = text.Split(',').Select(s => s.Trim()).ToArray();
        if (names.Any(n => n.Length == 0))
        {
            throw new UsageException($"--subset '{text}' has an empty class name; give CLASS,CLASS,...");
        }
        return names.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// The built-in template set named like the dataset (the longest that prefixes it at a '-' boundary:
    /// <c>cifar100-test</c> → <c>cifar100</c>), else <see cref="DefaultTemplateSet"/>.
    /// </summary>
    internal static string DefaultTemplatesFor(string datasetName) =>
        ZeroShotDatasets.TemplateSetNames
            .Where(t => datasetName == t || datasetName.StartsWith(t + "-", StringComparison.Ordinal))
            .MaxBy(t => t.Length) ?? DefaultTemplateSet;
}
