namespace MultiModal.Training.Data;

/// <summary>
/// One string naming a dataset, for the CLI. Grammar (<c>KIND:ARGS</c>, kind ignoring case):
/// <list type="table">
/// <item><term><c>fashion-mnist:SPLIT[:DIR]</c></term><description>Fashion-MNIST train|test; DIR defaults to <see cref="FashionMnist.DebianDirectory"/>.</description></item>
/// <item><term><c>idx:IMAGES,LABELS</c></term><description>An idx3-ubyte images file and an idx1-ubyte labels file (plain or .gz); classes "0".."K-1".</description></item>
/// <item><term><c>cifar10:DIR:SPLIT</c></term><description>CIFAR-10 binary release, train|test.</description></item>
/// <item><term><c>cifar100:DIR:SPLIT</c></term><description>CIFAR-100 binary release (fine labels), train|test.</description></item>
/// <item><term><c>imagefolder:DIR</c></term><description>One subfolder per class.</description></item>
/// <item><term><c>manifest:FILE</c></term><description>A .jsonl, .csv or .tsv image–caption manifest.</description></item>
/// <item><term><c>karpathy:FILE:SPLIT[:IMAGE_ROOT]</c></term><description>dataset_coco.json / dataset_flickr30k.json, split train|val|test|restval|train+restval; IMAGE_ROOT defaults to FILE's folder.</description></item>
/// </list>
/// A path may contain ':' where it is unambiguous: the split is the last field of <c>cifar*</c>, the first split keyword
/// after FILE in <c>karpathy</c>, and DIR is everything after the split in <c>fashion-mnist</c>. IDX paths must not contain ','.
/// </summary>
/// <param name="Kind">The dataset family.</param>
/// <param name="Path">The main path (folder or file); null for <c>fashion-mnist</c> without DIR.</param>
/// <param name="SecondPath">IDX labels file, or Karpathy image root; else null.</param>
/// <param name="Split">The split keyword as written, lower case; null for kinds without one.</param>
public sealed record DatasetSpec(DatasetSpecKind Kind, string? Path, string? SecondPath, string? Split)
{
    /// <summary>The grammar, one form per line, for error and help messages.</summary>
    public const string Grammar =
        "fashion-mnist:train|test[:DIR] | idx:IMAGES,LABELS | cifar10:DIR:train|test | cifar100:DIR:train|test | "
        + "imagefolder:DIR | manifest:FILE.jsonl|.csv|.tsv | karpathy:FILE.json:train|val|test|restval|train+restval[:IMAGE_ROOT]";

    /// <summary>Parses <paramref name="spec"/> without touching the file system.</summary>
    /// <exception cref="ArgumentException">The spec is malformed; the message quotes it and the grammar.</exception>
    public static DatasetSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw Malformed(spec, "expected KIND:ARGUMENTS");
        }
        string kind = spec[..colon].Trim().ToLowerInvariant();
        string rest = spec[(colon + 1)..];
        return kind switch
        {
            "fashion-mnist" => ParseFashionMnist(spec, rest),
            "idx" => ParseIdx(spec, rest),
            "cifar10" => ParseCifar(spec, rest, DatasetSpecKind.Cifar10),
            "cifar100" => ParseCifar(spec, rest, DatasetSpecKind.Cifar100),
            "imagefolder" => new DatasetSpec(DatasetSpecKind.ImageFolder, RequirePath(spec, rest, "DIR"), null, null),
            "manifest" => ParseManifest(spec, rest),
            "karpathy" => ParseKarpathy(spec, rest),
            _ => throw Malformed(spec, $"unknown dataset kind '{kind}'"),
        };
    }

    /// <summary>Parses and opens <paramref name="spec"/>.</summary>
    /// <exception cref="ArgumentException">The spec is malformed.</exception>
    /// <exception cref="DatasetFormatException">A dataset file is malformed.</exception>
    /// <exception cref="FileNotFoundException">A named file is missing.</exception>
    /// <exception cref="DirectoryNotFoundException">A named folder is missing.</exception>
    public static IImageTextDataset Open(string spec) => Parse(spec).Open();

    /// <summary>Opens the dataset this spec names.</summary>
    /// <exception cref="DatasetFormatException">A dataset file is malformed.</exception>
    /// <exception cref="FileNotFoundException">A named file is missing.</exception>
    /// <exception cref="DirectoryNotFoundException">A named folder is missing.</exception>
    public IImageTextDataset Open() => Kind switch
    {
        DatasetSpecKind.FashionMnist => FashionMnist.Open(TrainOrTest(Split), Path),
        DatasetSpecKind.Idx => IdxDataset.Load(Path!, SecondPath!),
        DatasetSpecKind.Cifar10 => CifarDataset.Load(Path!, CifarVariant.Cifar10, TrainOrTest(Split)),
        DatasetSpecKind.Cifar100 => CifarDataset.Load(Path!, CifarVariant.Cifar100, TrainOrTest(Split)),
        DatasetSpecKind.ImageFolder => ImageFolderDataset.Load(Path!),
        DatasetSpecKind.Manifest => ManifestDataset.Load(Path!),
        DatasetSpecKind.Karpathy => KarpathyDataset.Load(Path!, ToKarpathySplit(Split), SecondPath),
        _ => throw new InvalidOperationException($"Unknown dataset kind {Kind}."),
    };

    /// <summary>The spec in its string form (round-trips through <see cref="Parse"/>).</summary>
    public override string ToString() => Kind switch
    {
        DatasetSpecKind.FashionMnist => Path is null ? $"fashion-mnist:{Split}" : $"fashion-mnist:{Split}:{Path}",
        DatasetSpecKind.Idx => $"idx:{Path},{SecondPath}",
        DatasetSpecKind.Cifar10 => $"cifar10:{Path}:{Split}",
        DatasetSpecKind.Cifar100 => $"cifar100:{Path}:{Split}",
        DatasetSpecKind.ImageFolder => $"imagefolder:{Path}",
        DatasetSpecKind.Manifest => $"manifest:{Path}",
        _ => SecondPath is null ? $"karpathy:{Path}:{Split}" : $"karpathy:{Path}:{Split}:{SecondPath}",
    };

    private static DatasetSpec ParseFashionMnist(string spec, string rest)
    {
        int colon = rest.IndexOf(':', StringComparison.Ordinal);
        string split = (colon < 0 ? rest : rest[..colon]).Trim().ToLowerInvariant();
        RequireTrainOrTest(spec, split);
        string? dir = colon < 0 ? null : RequirePath(spec, rest[(colon + 1)..], "DIR");
        return new DatasetSpec(DatasetSpecKind.FashionMnist, dir, null, split);
    }

    private static DatasetSpec ParseIdx(string spec, string rest)
    {
        string[] parts = rest.Split(',');
        if (parts.Length != 2)
        {
            throw Malformed(spec, "idx needs exactly two paths separated by one comma: idx:IMAGES,LABELS");
        }
        return new DatasetSpec(DatasetSpecKind.Idx, RequirePath(spec, parts[0], "IMAGES"), RequirePath(spec, parts[1], "LABELS"), null);
    }

    private static DatasetSpec ParseCifar(string spec, string rest, DatasetSpecKind kind)
    {
        int colon = rest.LastIndexOf(':');
        if (colon < 0)
        {
            throw Malformed(spec, $"{(kind == DatasetSpecKind.Cifar10 ? "cifar10" : "cifar100")} needs DIR:SPLIT");
        }
        string split = rest[(colon + 1)..].Trim().ToLowerInvariant();
        RequireTrainOrTest(spec, split);
        return new DatasetSpec(kind, RequirePath(spec, rest[..colon], "DIR"), null, split);
    }

    private static DatasetSpec ParseManifest(string spec, string rest)
    {
        string path = RequirePath(spec, rest, "FILE");
        string extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".jsonl" or ".csv" or ".tsv"))
        {
            throw Malformed(spec, $"manifest FILE must end in .jsonl, .csv or .tsv, not '{extension}'");
        }
        return new DatasetSpec(DatasetSpecKind.Manifest, path, null, null);
    }

    private static DatasetSpec ParseKarpathy(string spec, string rest)
    {
        string[] parts = rest.Split(':');
        for (int k = 1; k < parts.Length; k++)
        {
            if (KarpathyDataset.TryParseSplit(parts[k].Trim(), out _))
            {
                string file = RequirePath(spec, string.Join(':', parts[..k]), "FILE");
                string? root = k + 1 < parts.Length ? RequirePath(spec, string.Join(':', parts[(k + 1)..]), "IMAGE_ROOT") : null;
                return new DatasetSpec(DatasetSpecKind.Karpathy, file, root, parts[k].Trim().ToLowerInvariant());
            }
        }
        throw Malformed(spec, "karpathy needs FILE:SPLIT[:IMAGE_ROOT] with SPLIT one of train, val, test, restval, train+restval");
    }

    private static void RequireTrainOrTest(string spec, string split)
    {
        if (split is not ("train" or "test"))
        {
            throw Malformed(spec, $"split '{split}' must be train or test");
        }
    }

    private static string RequirePath(string spec, string text, string what)
    {
        string path = text.Trim();
        return path.Length == 0 ? throw Malformed(spec, $"{what} is empty") : path;
    }

    private static TrainTestSplit TrainOrTest(string? split) => split == "train" ? TrainTestSplit.Train : TrainTestSplit.Test;

    private static KarpathySplit ToKarpathySplit(string? split) =>
        KarpathyDataset.TryParseSplit(split ?? string.Empty, out KarpathySplit value) ? value : throw new InvalidOperationException($"Unknown split '{split}'.");

    private static ArgumentException Malformed(string spec, string problem) =>
        new($"Dataset spec '{spec}': {problem}. Expected one of: {Grammar}.", "spec");
}
