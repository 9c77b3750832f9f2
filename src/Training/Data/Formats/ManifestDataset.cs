using System.Text;
using System.Text.Json;

namespace MultiModal.Training.Data;

/// <summary>
/// Image–caption pairs listed in a manifest file: JSON Lines (<c>.jsonl</c>) or CSV/TSV (<c>.csv</c>, <c>.tsv</c>).
/// </summary>
/// <remarks>
/// <para><b>JSONL</b>: one object per non-blank line, <c>{"image": "path", "caption": "..."}</c> or
/// <c>{"image": "path", "captions": ["...", "..."]}</c> (exactly one of the two); other keys are ignored.</para>
/// <para><b>CSV</b>: a header row naming the image and caption columns (matched ignoring case; other columns are
/// ignored), RFC 4180 quoting (<c>"a, ""quoted"" caption"</c>, line breaks allowed inside quotes). Several captions of
/// one image are given as repeated rows with the same image path, or, with
/// <see cref="ManifestOptions.CaptionSeparator"/> set, as one cell split on that separator.</para>
/// <para>In both formats rows naming the same image (after path resolution) are grouped into one sample, in order of
/// first appearance, its captions in file order. Relative image paths resolve against
/// <see cref="ManifestOptions.ImageRoot"/> or the manifest's folder. A malformed line is a
/// <see cref="DatasetFormatException"/> naming the file and line. Immutable once loaded, so indexing is thread-safe.</para>
/// </remarks>
public sealed class ManifestDataset : IImageTextDataset
{
    private readonly ImageTextSample[] samples;

    private ManifestDataset(string name, string filePath, ImageTextSample[] samples)
    {
        Name = name;
        FilePath = filePath;
        this.samples = samples;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The manifest file.</summary>
    public string FilePath { get; }

    /// <inheritdoc/>
    public int Count => samples.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string>? ClassNames => null;

    /// <inheritdoc/>
    public ImageTextSample this[int index] => samples[index];

    /// <summary>Loads a manifest; the format follows the extension (<c>.jsonl</c>, <c>.csv</c> or <c>.tsv</c>).</summary>
    /// <param name="path">The manifest file.</param>
    /// <param name="options">Column names, delimiter, image root; null for the defaults.</param>
    /// <exception cref="DatasetFormatException">A line is malformed, or the manifest holds no samples.</exception>
    /// <exception cref="ArgumentException">The extension is not one of the three.</exception>
    /// <exception cref="FileNotFoundException">The manifest does not exist.</exception>
    public static ManifestDataset Load(string path, ManifestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new ManifestOptions();
        options.Validate();
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Manifest {full} does not exist.", full);
        }
        string extension = Path.GetExtension(full).ToLowerInvariant();
        var builder = new Builder(full, options);
        using (var reader = new StreamReader(full, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            switch (extension)
            {
                case ".jsonl":
                    ReadJsonl(reader, builder, options);
                    break;
                case ".csv":
                case ".tsv":
                    ReadCsv(reader, builder, options, options.Delimiter ?? (extension == ".tsv" ? '\t' : ','));
                    break;
                default:
                    throw new ArgumentException($"{full}: unknown manifest extension '{extension}'; expected .jsonl, .csv or .tsv.", nameof(path));
            }
        }
        ImageTextSample[] samples = builder.Build();
        if (samples.Length == 0)
        {
            throw new DatasetFormatException(full, "the manifest lists no images");
        }
        return new ManifestDataset(Path.GetFileNameWithoutExtension(full), full, samples);
    }

    private static void ReadJsonl(StreamReader reader, Builder builder, ManifestOptions options)
    {
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new DatasetFormatException(builder.ManifestPath, $"invalid JSON: {ex.Message}", lineNumber, innerException: ex);
            }
            using (doc)
            {
                JsonElement root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new DatasetFormatException(builder.ManifestPath, $"expected a JSON object, found {root.ValueKind}", lineNumber);
                }
                string image = RequiredString(root, options.ImageColumn, builder.ManifestPath, lineNumber);
                bool hasOne = root.TryGetProperty(options.CaptionColumn, out JsonElement one);
                bool hasMany = root.TryGetProperty(options.CaptionsKey, out JsonElement many);
                if (hasOne == hasMany)
                {
                    throw new DatasetFormatException(builder.ManifestPath, hasOne
                        ? $"both \"{options.CaptionColumn}\" and \"{options.CaptionsKey}\" are given; use one"
                        : $"missing \"{options.CaptionColumn}\" (a string) or \"{options.CaptionsKey}\" (an array of strings)", lineNumber);
                }
                var captions = new List<string>();
                if (hasOne)
                {
                    captions.Add(RequiredString(root, options.CaptionColumn, builder.ManifestPath, lineNumber));
                }
                else
                {
                    if (many.ValueKind != JsonValueKind.Array || many.GetArrayLength() == 0)
                    {
                        throw new DatasetFormatException(builder.ManifestPath, $"\"{options.CaptionsKey}\" must be a non-empty array of strings", lineNumber);
                    }
                    int k = 0;
                    foreach (JsonElement item in many.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
                        {
                            throw new DatasetFormatException(builder.ManifestPath, $"\"{options.CaptionsKey}\"[{k}] must be a non-blank string", lineNumber);
                        }
                        captions.Add(item.GetString()!);
                        k++;
                    }
                }
                builder.Add(image, captions, lineNumber);
            }
        }
    }

    private static string RequiredString(JsonElement root, string key, string file, int line)
    {
        if (!root.TryGetProperty(key, out JsonElement value))
        {
            throw new DatasetFormatException(file, $"missing \"{key}\"", line);
        }
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new DatasetFormatException(file, $"\"{key}\" must be a non-blank string, found {value.ValueKind}", line);
        }
        return value.GetString()!;
    }

    private static void ReadCsv(StreamReader reader, Builder builder, ManifestOptions options, char delimiter)
    {
        var csv = new CsvRecordReader(reader, builder.ManifestPath, delimiter);
        List<string> header = csv.Read() ?? throw new DatasetFormatException(builder.ManifestPath, "the file is empty (a header row is needed)");
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Count; i++)
        {
            if (!columns.TryAdd(header[i].Trim(), i))
            {
                throw new DatasetFormatException(builder.ManifestPath, $"header names column '{header[i].Trim()}' twice", csv.RecordLine);
            }
        }
        int imageColumn = Column(columns, options.ImageColumn, header, builder.ManifestPath, csv.RecordLine);
        int captionColumn = Column(columns, options.CaptionColumn, header, builder.ManifestPath, csv.RecordLine);
        while (csv.Read() is { } row)
        {
            if (row.Count != header.Count)
            {
                throw new DatasetFormatException(builder.ManifestPath, $"{row.Count} fields, but the header has {header.Count}", csv.RecordLine);
            }
            string image = row[imageColumn];
            if (string.IsNullOrWhiteSpace(image))
            {
                throw new DatasetFormatException(builder.ManifestPath, $"column '{options.ImageColumn}' is empty", csv.RecordLine);
            }
            string cell = row[captionColumn];
            var captions = options.CaptionSeparator is { } separator
                ? cell.Split(separator).Where(c => !string.IsNullOrWhiteSpace(c)).ToList()
                : (string.IsNullOrWhiteSpace(cell) ? [] : new List<string> { cell });
            if (captions.Count == 0)
            {
                throw new DatasetFormatException(builder.ManifestPath, $"column '{options.CaptionColumn}' is empty", csv.RecordLine);
            }
            builder.Add(image, captions, csv.RecordLine);
        }
    }

    private static int Column(Dictionary<string, int> columns, string name, List<string> header, string file, int line) =>
        columns.TryGetValue(name, out int index)
            ? index
            : throw new DatasetFormatException(file, $"the header has no column '{name}' (columns: {string.Join(", ", header)})", line);

    /// <summary>Groups rows by resolved image path, in order of first appearance.</summary>
    private sealed class Builder(string manifestPath, ManifestOptions options)
    {
        private readonly string root = Path.GetFullPath(options.ImageRoot ?? Path.GetDirectoryName(manifestPath)!);
        private readonly Dictionary<string, int> byPath = new(StringComparer.Ordinal);
        private readonly List<(string Path, List<string> Captions)> entries = [];

        public string ManifestPath => manifestPath;

        public void Add(string image, List<string> captions, int line)
        {
            string path;
            try
            {
                path = Path.GetFullPath(Path.Combine(root, image));
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
            {
                throw new DatasetFormatException(manifestPath, $"invalid image path '{image}': {ex.Message}", line, innerException: ex);
            }
            if (byPath.TryGetValue(path, out int existing))
            {
                entries[existing].Captions.AddRange(captions);
                return;
            }
            if (options.VerifyImagesExist && !File.Exists(path))
            {
                throw new DatasetFormatException(manifestPath, $"image {path} does not exist", line);
            }
            byPath.Add(path, entries.Count);
            entries.Add((path, captions));
        }

        public ImageTextSample[] Build() =>
            entries.Select(e => new ImageTextSample(ImageRef.FromFile(e.Path), e.Captions.ToArray())).ToArray();
    }
}
