using System.Text;
using MultiModal.Encoders.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MultiModal.Eval;

/// <summary>
/// One evaluation's result in CLIP_benchmark's JSON layout:
/// <c>{"dataset", "model", "pretrained", "task", "metrics": {name: value, ...}, "language"}</c>, as its <c>cli.py</c>
/// dumps it, so the same result-collecting scripts read both.
/// </summary>
/// <remarks>
/// <c>pretrained</c> is written only when set (CLIP_benchmark writes the OpenCLIP tag or checkpoint path there; the
/// <c>mm</c> command writes the model folder). <c>subset_classes</c>, written only with a class subset, is an addition
/// that CLIP_benchmark readers ignore. Metric values are written in shortest round-trip form.
/// </remarks>
public sealed record EvalReport
{
    /// <summary>The task name of zero-shot classification reports.</summary>
    public const string ZeroShotClassificationTask = "zeroshot_classification";

    /// <summary>The task name of image-text retrieval reports.</summary>
    public const string ZeroShotRetrievalTask = "zeroshot_retrieval";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The dataset's name.</summary>
    public required string Dataset { get; init; }

    /// <summary>The model's name.</summary>
    public required string Model { get; init; }

    /// <summary>Where the weights came from (a checkpoint path or tag), or null to leave the field out.</summary>
    public string? Pretrained { get; init; }

    /// <summary><see cref="ZeroShotClassificationTask"/> or <see cref="ZeroShotRetrievalTask"/> (any string read from a file).</summary>
    public required string Task { get; init; }

    /// <summary>The metrics, in report order.</summary>
    public required IReadOnlyList<EvalMetric> Metrics { get; init; }

    /// <summary>The language of the prompts and captions (CLIP_benchmark's default <c>en</c>).</summary>
    public string Language { get; init; } = "en";

    /// <summary>The class subset reported separately, or null.</summary>
    public IReadOnlyList<string>? SubsetClasses { get; init; }

    /// <summary>A zero-shot classification report.</summary>
    /// <param name="dataset">The dataset's name.</param>
    /// <param name="model">The model's name.</param>
    /// <param name="result">The evaluation's outcome.</param>
    /// <param name="subsetClasses">The subset's class names when <paramref name="result"/> has subset metrics.</param>
    public static EvalReport ForZeroShot(string dataset, string model, ZeroShotEvalResult result, IReadOnlyList<string>? subsetClasses = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new EvalReport { Dataset = dataset, Model = model, Task = ZeroShotClassificationTask, Metrics = result.ToMetrics(), SubsetClasses = subsetClasses };
    }

    /// <summary>An image-text retrieval report.</summary>
    /// <param name="dataset">The dataset's name.</param>
    /// <param name="model">The model's name.</param>
    /// <param name="scores">The evaluation's outcome.</param>
    public static EvalReport ForRetrieval(string dataset, string model, RetrievalScores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return new EvalReport { Dataset = dataset, Model = model, Task = ZeroShotRetrievalTask, Metrics = scores.ToMetrics() };
    }

    /// <summary>The value of the metric named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The report has no such metric; the message lists those it has.</exception>
    public double Metric(string name) =>
        Metrics.FirstOrDefault(m => m.Name == name)?.Value
        ?? throw new KeyNotFoundException($"No metric '{name}' in the {Task} report; it has {string.Join(", ", Metrics.Select(m => m.Name))}.");

    /// <summary>The report as one line of JSON (no trailing newline).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("dataset", Dataset);
            w.WriteString("model", Model);
            if (Pretrained is not null)
            {
                w.WriteString("pretrained", Pretrained);
            }
            w.WriteString("task", Task);
            w.WriteStartObject("metrics");
            foreach (var m in Metrics)
            {
                if (!double.IsFinite(m.Value))
                {
                    throw new InvalidOperationException($"Metric '{m.Name}' is {m.Value}; JSON has no such number.");
                }
                w.WriteNumber(m.Name, m.Value);
            }
            w.WriteEndObject();
            w.WriteString("language", Language);
            if (SubsetClasses is not null)
            {
                w.WriteStartArray("subset_classes");
                foreach (var c in SubsetClasses)
                {
                    w.WriteStringValue(c);
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the JSON to <paramref name="path"/> atomically (temp file, flush to disk, rename): readers see the old file or the new one, never a part.</summary>
    /// <exception cref="IOException">The file cannot be written; the previous file, if any, is left as it was.</exception>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(ToJson() + "\n"));

    /// <summary>Reads a report written by <see cref="ToJson"/> or by CLIP_benchmark.</summary>
    /// <exception cref="InvalidDataException">Not JSON, or a required field missing or of the wrong kind; names the field.</exception>
    public static EvalReport Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"An eval report is a JSON object, not {root.ValueKind}.");
            }
            var metrics = new List<EvalMetric>();
            var metricsElement = Field(root, "metrics", JsonValueKind.Object)!.Value;
            foreach (var p in metricsElement.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.Number)
                {
                    throw new InvalidDataException($"Metric '{p.Name}' is {p.Value.ValueKind}, not a number.");
                }
                metrics.Add(new EvalMetric(p.Name, p.Value.GetDouble()));
            }
            return new EvalReport
            {
                Dataset = Field(root, "dataset", JsonValueKind.String)!.Value.GetString()!,
                Model = Field(root, "model", JsonValueKind.String)!.Value.GetString()!,
                Pretrained = Field(root, "pretrained", JsonValueKind.String, required: false)?.GetString(),
                Task = Field(root, "task", JsonValueKind.String)!.Value.GetString()!,
                Metrics = metrics,
                Language = Field(root, "language", JsonValueKind.String, required: false)?.GetString() ?? "en",
                SubsetClasses = Field(root, "subset_classes", JsonValueKind.Array, required: false)?.EnumerateArray()
                    .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new InvalidDataException("subset_classes holds a non-string."))
                    .ToArray(),
            };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not a valid eval report: {e.Message}", e);
        }
    }

    /// <summary>Reads a report file.</summary>
    /// <exception cref="InvalidDataException">As <see cref="Parse"/>, with the path in the message.</exception>
    public static EvalReport Load(string path)
    {
        var text = File.ReadAllText(path);
        try
        {
            return Parse(text);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static JsonElement? Field(JsonElement root, string name, JsonValueKind kind, bool required = true)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new InvalidDataException($"The eval report has no \"{name}\".") : null;
        }
        if (value.ValueKind != kind)
        {
            throw new InvalidDataException($"\"{name}\" is {value.ValueKind}; expected {kind}.");
        }
        return value;
    }
}
