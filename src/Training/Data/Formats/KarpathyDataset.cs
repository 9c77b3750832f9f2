using System.Text.Json;
using System.Text.Json.Serialization;

namespace MultiModal.Training.Data;

/// <summary>
/// COCO or Flickr30k captions in Karpathy's split files (<c>dataset_coco.json</c>, <c>dataset_flickr30k.json</c>):
/// <c>{"images": [{"filepath"?: "val2014", "filename": "...jpg", "split": "train|val|test|restval",
/// "sentences": [{"raw": "..."}, ...]}, ...], "dataset": "coco"}</c>. The image path is
/// <c>IMAGE_ROOT/filepath/filename</c> (Flickr30k has no <c>filepath</c>); the captions are the sentences' <c>raw</c> text.
/// </summary>
/// <remarks>Immutable once loaded, so indexing is thread-safe. The file is read streaming with System.Text.Json.</remarks>
public sealed class KarpathyDataset : IImageTextDataset
{
    private readonly ImageTextSample[] samples;

    private KarpathyDataset(string name, KarpathySplit split, ImageTextSample[] samples)
    {
        Name = name;
        Split = split;
        this.samples = samples;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The split this dataset holds.</summary>
    public KarpathySplit Split { get; }

    /// <inheritdoc/>
    public int Count => samples.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string>? ClassNames => null;

    /// <inheritdoc/>
    public ImageTextSample this[int index] => samples[index];

    /// <summary>Parses a split name: <c>train</c>, <c>val</c>, <c>test</c>, <c>restval</c> or <c>train+restval</c>.</summary>
    /// <returns>False when the text is none of these.</returns>
    public static bool TryParseSplit(string text, out KarpathySplit split)
    {
        ArgumentNullException.ThrowIfNull(text);
        (bool ok, split) = text.ToLowerInvariant() switch
        {
            "train" => (true, KarpathySplit.Train),
            "val" => (true, KarpathySplit.Val),
            "test" => (true, KarpathySplit.Test),
            "restval" => (true, KarpathySplit.Restval),
            "train+restval" => (true, KarpathySplit.TrainRestval),
            _ => (false, KarpathySplit.Train),
        };
        return ok;
    }

    /// <summary>Loads the images of <paramref name="split"/> from a Karpathy split file.</summary>
    /// <param name="path">dataset_coco.json, dataset_flickr30k.json or a file of the same shape.</param>
    /// <param name="split">Which images to keep.</param>
    /// <param name="imageRoot">Folder holding the images (COCO: the folder with train2014/ and val2014/); null means the JSON file's folder.</param>
    /// <exception cref="DatasetFormatException">The JSON is malformed, an entry lacks a field or names an unknown split, or the split is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static KarpathyDataset Load(string path, KarpathySplit split, string? imageRoot = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Enum.IsDefined(split))
        {
            throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split.");
        }
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Karpathy split file {full} does not exist.", full);
        }
        string root = Path.GetFullPath(imageRoot ?? Path.GetDirectoryName(full)!);
        SplitFile file;
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            file = JsonSerializer.Deserialize<SplitFile>(stream)
                ?? throw new DatasetFormatException(full, "the file holds JSON null");
        }
        catch (JsonException ex)
        {
            int? line = ex.LineNumber is { } l ? (int)l + 1 : null;
            throw new DatasetFormatException(full, $"invalid JSON or unexpected value type: {ex.Message}", line, innerException: ex);
        }
        if (file.Images is null)
        {
            throw new DatasetFormatException(full, "no \"images\" array");
        }
        var samples = new List<ImageTextSample>();
        for (int i = 0; i < file.Images.Count; i++)
        {
            ImageEntry entry = file.Images[i] ?? throw new DatasetFormatException(full, "image entry is null", record: i);
            if (string.IsNullOrWhiteSpace(entry.FileName))
            {
                throw new DatasetFormatException(full, "image entry has no \"filename\"", record: i);
            }
            if (!TryParseSplit(entry.Split ?? string.Empty, out KarpathySplit entrySplit) || entrySplit == KarpathySplit.TrainRestval)
            {
                throw new DatasetFormatException(full, $"image {entry.FileName} has split '{entry.Split}'; expected train, val, test or restval", record: i);
            }
            if (entry.Sentences is not { Count: > 0 })
            {
                throw new DatasetFormatException(full, $"image {entry.FileName} has no \"sentences\"", record: i);
            }
            var captions = new string[entry.Sentences.Count];
            for (int k = 0; k < captions.Length; k++)
            {
                string? raw = entry.Sentences[k]?.Raw;
                captions[k] = string.IsNullOrWhiteSpace(raw)
                    ? throw new DatasetFormatException(full, $"image {entry.FileName}: sentence {k} has no \"raw\" text", record: i)
                    : raw;
            }
            bool keep = split == KarpathySplit.TrainRestval
                ? entrySplit is KarpathySplit.Train or KarpathySplit.Restval
                : entrySplit == split;
            if (keep)
            {
                string image = Path.Combine(root, entry.FilePath ?? string.Empty, entry.FileName);
                samples.Add(new ImageTextSample(ImageRef.FromFile(image), captions));
            }
        }
        if (samples.Count == 0)
        {
            throw new DatasetFormatException(full, $"no image has split {SplitName(split)}");
        }
        string dataset = string.IsNullOrWhiteSpace(file.Dataset) ? Path.GetFileNameWithoutExtension(full) : file.Dataset;
        return new KarpathyDataset($"{dataset}-karpathy-{SplitName(split)}", split, samples.ToArray());
    }

    private static string SplitName(KarpathySplit split) => split == KarpathySplit.TrainRestval ? "train+restval" : split.ToString().ToLowerInvariant();

    private sealed class SplitFile
    {
        [JsonPropertyName("images")]
        public List<ImageEntry?>? Images { get; set; }

        [JsonPropertyName("dataset")]
        public string? Dataset { get; set; }
    }

    private sealed class ImageEntry
    {
        [JsonPropertyName("filepath")]
        public string? FilePath { get; set; }

        [JsonPropertyName("filename")]
        public string? FileName { get; set; }

        [JsonPropertyName("split")]
        public string? Split { get; set; }

        [JsonPropertyName("sentences")]
        public List<Sentence?>? Sentences { get; set; }
    }

    private sealed class Sentence
    {
        [JsonPropertyName("raw")]
        public string? Raw { get; set; }
    }
}
