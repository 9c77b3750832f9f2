using MultiModal.Index.ZeroShot;

namespace MultiModal.Cli.Commands;

/// <summary>
/// <c>mm classify</c>: zero-shot classification of images against a built-in class set (cifar10, cifar100,
/// imagenet1k) or a class-name file, with prompt-template ensembling; prints the top-k classes per image as JSON.
/// </summary>
internal static class ClassifyCommand
{
    /// <summary>Templates for a class-name file when --templates is not given: OpenAI's 80 ImageNet prompts.</summary>
    private const string DefaultTemplateSet = "imagenet1k";

    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var args = Arguments.Parse(argv, ModelOptions.Flags);
        var classes = args.Required("classes");
        var templatesOption = args.Optional("templates");
        var images = args.All("image");
        int k = args.Int("k", 5);
        int batchSize = args.Int("batch-size", 32);
        var modelOptions = ModelOptions.Read(args, stderr);
        args.RejectUnused();
        if (args.Positionals.Count > 0)
        {
            throw new UsageException($"Unexpected argument '{args.Positionals[0]}' (images go after --image).");
        }
        if (images.Count == 0)
        {
            throw new UsageException("Nothing to classify: give --image PATH (repeatable).");
        }
        var (classNames, defaultTemplates) = ReadClasses(classes);
        var templates = ReadTemplates(templatesOption ?? defaultTemplates);
        if (k > classNames.Count)
        {
            throw new UsageException($"-k {k} exceeds the {classNames.Count} classes of '{classes}'.");
        }
        using var model = modelOptions.Load();
        var classifier = ZeroShotClassifier.Create(model, classNames, templates, ct: cancellationToken);
        var predictions = classifier.Classify(images, k, batchSize, ct: cancellationToken);
        CliApp.WriteJson(stdout, w =>
        {
            w.WriteStartObject();
            w.WriteString("model", model.Name);
            w.WriteString("classes", classes);
            w.WriteNumber("templates", templates.Count);
            w.WriteStartArray("images");
            foreach (var prediction in predictions)
            {
                w.WriteStartObject();
                w.WriteString("path", images[prediction.ImageIndex]);
                w.WriteStartArray("top");
                foreach (var label in prediction.Top)
                {
                    w.WriteStartObject();
                    w.WriteString("label", label.Label);
                    w.WriteNumber("index", label.Index);
                    w.WriteNumber("probability", label.Probability);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
        return CliApp.Ok;
    }

    /// <summary>A built-in dataset name, else a class-name file (a missing one is a failure naming both choices).</summary>
    private static (IReadOnlyList<string> Names, string DefaultTemplates) ReadClasses(string classes)
    {
        if (ZeroShotDatasets.IsKnown(classes))
        {
            return (ZeroShotDatasets.Get(classes).ClassNames, classes);
        }
        if (!File.Exists(classes))
        {
            throw new FileNotFoundException($"--classes '{classes}' is neither a built-in set ({string.Join(", ", ZeroShotDatasets.Names)}) nor an existing file.", classes);
        }
        return (ZeroShotDatasets.ReadClassNames(classes), DefaultTemplateSet);
    }

    /// <summary>--templates: a built-in set name or a file (one per line, or a JSON array).</summary>
    internal static IReadOnlyList<string> ReadTemplates(string templates)
    {
        if (ZeroShotDatasets.IsKnownTemplateSet(templates))
        {
            return ZeroShotDatasets.GetTemplates(templates);
        }
        if (!File.Exists(templates))
        {
            throw new FileNotFoundException($"--templates '{templates}' is neither a built-in set ({string.Join(", ", ZeroShotDatasets.TemplateSetNames)}) nor an existing file.", templates);
        }
        return ZeroShotDatasets.ReadTemplates(templates);
    }
}
