using System.Text.Json;
using System.Text.Json.Serialization;

namespace MultiModal.Training.Config;

/// <summary>
/// Everything a training run needs, read from JSON (snake_case field names; enums in kebab case; unknown fields are
/// errors). See <c>README-section-trainer.md</c> for the schema with an example.
/// </summary>
public sealed record TrainingConfig
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
    };

    /// <summary>Datasets, templates and held-out classes.</summary>
    public DataSection Data { get; init; } = new();

    /// <summary>What model trains.</summary>
    public ModelSection Model { get; init; } = new();

    /// <summary>Which parameters train.</summary>
    public TrainingMode Mode { get; init; } = TrainingMode.Full;

    /// <summary>AdamW settings and per-group learning-rate multipliers.</summary>
    public OptimizerSection Optimizer { get; init; } = new();

    /// <summary>Warmup and length.</summary>
    public ScheduleSection Schedule { get; init; } = new() { TotalSteps = 1000 };

    /// <summary>Samples per batch (one forward pass).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Batches per optimiser step. Above 1, OpenCLIP's <c>accum_freq</c> scheme runs: features of all batches are
    /// computed without gradient first, then each batch is re-encoded with gradient and the loss is taken over the
    /// whole accumulated batch, so the step equals one step on a batch <c>accumulation_steps</c> times larger.
    /// </summary>
    public int AccumulationSteps { get; init; } = 1;

    /// <summary>Clip the gradients' global L2 norm to this value; 0 turns clipping off.</summary>
    public double ClipGradNorm { get; init; }

    /// <summary>Seeds model initialisation and the data order.</summary>
    public long Seed { get; init; }

    /// <summary>Where checkpoints, metrics, TensorBoard events and the final model go.</summary>
    public string OutputDir { get; init; } = "";

    /// <summary>Save a checkpoint every this many optimiser steps (also on cancellation and at the end); 0: only those two.</summary>
    public int CheckpointEvery { get; init; } = 1000;

    /// <summary>Write a metrics line, TensorBoard scalars and a progress report every this many steps.</summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>The torch device (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> (or <see cref="ArgumentNullException"/>) naming the first invalid field.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Data, "data");
        ArgumentNullException.ThrowIfNull(Model, "model");
        ArgumentNullException.ThrowIfNull(Optimizer, "optimizer");
        ArgumentNullException.ThrowIfNull(Schedule, "schedule");
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException("mode", Mode, "mode must be full, lit, projections or linear-probe.");
        }
        Data.Validate(Mode);
        Model.Validate(Mode);
        Optimizer.Validate();
        Schedule.Validate();
        if (BatchSize < 2)
        {
            throw new ArgumentOutOfRangeException("batch_size", BatchSize, "batch_size must be ≥ 2 (a contrastive batch needs negatives).");
        }
        if (AccumulationSteps < 1)
        {
            throw new ArgumentOutOfRangeException("accumulation_steps", AccumulationSteps, "accumulation_steps must be ≥ 1.");
        }
        if (!(ClipGradNorm >= 0) || double.IsInfinity(ClipGradNorm))
        {
            throw new ArgumentOutOfRangeException("clip_grad_norm", ClipGradNorm, "clip_grad_norm must be ≥ 0 (0 turns clipping off).");
        }
        if (string.IsNullOrWhiteSpace(OutputDir))
        {
            throw new ArgumentOutOfRangeException("output_dir", "output_dir is required.");
        }
        if (CheckpointEvery < 0)
        {
            throw new ArgumentOutOfRangeException("checkpoint_every", CheckpointEvery, "checkpoint_every must be ≥ 0.");
        }
        if (LogEvery < 1)
        {
            throw new ArgumentOutOfRangeException("log_every", LogEvery, "log_every must be ≥ 1.");
        }
        if (string.IsNullOrWhiteSpace(Device))
        {
            throw new ArgumentOutOfRangeException("device", "device must name a torch device (cpu, cuda).");
        }
    }

    /// <summary>Reads and validates a config file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">Not valid JSON, a field of the wrong type, or an unknown field; names the file and the field.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; names the field.</exception>
    public static TrainingConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Training config {path} does not exist.", path);
        }
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses and validates config JSON; <paramref name="source"/> names it in errors.</summary>
    /// <inheritdoc cref="Load" path="/exception"/>
    public static TrainingConfig Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        TrainingConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<TrainingConfig>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            // System.Text.Json names the offending member ("The JSON property 'lrr' could not be mapped ...") and its path.
            var at = e.Path is null ? "" : $" (at {e.Path})";
            throw new FormatException($"{source}: {e.Message}{at}", e);
        }
        if (config is null)
        {
            throw new FormatException($"{source}: the config is JSON null.");
        }
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentOutOfRangeException(e.ParamName, $"{source}: {e.Message}");
        }
        return config;
    }

    /// <summary>The config as indented JSON in the form <see cref="Parse"/> reads.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}
