using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MultiModal.Encoders.Checkpoints;
using MultiModal.Encoders.IO;
using MultiModal.Training.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace MultiModal.Training.Checkpointing;

/// <summary>
/// Checkpoint folders <c>OUTPUT/checkpoints/step-NNNNNNNN/</c>, each written atomically (staged, then renamed):
/// <c>model.safetensors</c> (the trained module's state dict), <c>optimizer.safetensors</c> (AdamW's step, exp_avg and
/// exp_avg_sq per parameter, and the torch CPU generator state) and <c>trainer_state.json</c> (step, data position,
/// schedule).
/// </summary>
internal static class TrainingCheckpoint
{
    public const string Folder = "checkpoints";
    public const string ModelFile = "model.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string StateFile = "trainer_state.json";
    private const string Format = "multimodal-training-checkpoint";
    private const int FormatVersion = 1;
    private const string RngKey = "rng/torch_cpu";

    public static string Save(string outputDir, TrainingState state, nn.Module module, TrainingOptimizer optimizer)
    {
        var root = Path.Combine(outputDir, Folder);
        Directory.CreateDirectory(root);
        var target = Path.Combine(root, $"step-{state.Step.ToString("D8", CultureInfo.InvariantCulture)}");
        AtomicFolder.Write(target, staging =>
        {
            using var scope = NewDisposeScope();
            var weights = module.state_dict().Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.detach().cpu())).ToList();
            SafeTensorsWriter.Save(Path.Combine(staging, ModelFile), weights, new Dictionary<string, string> { ["format"] = "pt" });
            var optimizerState = optimizer.StateTensors();
            optimizerState.Add(new(RngKey, torch.random.get_rng_state()));
            SafeTensorsWriter.Save(Path.Combine(staging, OptimizerFile), optimizerState);
            var json = new JsonObject
            {
                ["format"] = Format,
                ["format_version"] = FormatVersion,
                ["step"] = state.Step,
                ["epoch"] = state.Epoch,
                ["batch_index"] = state.BatchIndex,
                ["samples_seen"] = state.SamplesSeen,
                ["total_steps"] = state.TotalSteps,
                ["warmup_steps"] = state.WarmupSteps,
            };
            AtomicFolder.WriteText(Path.Combine(staging, StateFile), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }, new AtomicFolderOptions { Kind = "checkpoint" });
        return target;
    }

    /// <summary>The newest complete checkpoint folder under <paramref name="outputDir"/>, or null.</summary>
    public static string? FindLatest(string outputDir)
    {
        var root = Path.Combine(outputDir, Folder);
        if (!Directory.Exists(root))
        {
            return null;
        }
        return Directory.EnumerateDirectories(root, "step-*")
            .Select(d => (Dir: d, Name: Path.GetFileName(d)))
            .Where(d => d.Name.Length == 13 && long.TryParse(d.Name.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .OrderByDescending(d => d.Name, StringComparer.Ordinal)
            .Select(d => d.Dir)
            .FirstOrDefault();
    }

    /// <summary>Restores module weights, optimiser state and the generator state; returns the loop state.</summary>
    /// <remarks>
    /// The weights are checked against the module from the file's header (names, shapes, float types) before any of
    /// them is read, so a checkpoint from another model fails whole, listing every offending tensor, and leaves the
    /// module untouched.
    /// </remarks>
    /// <param name="checkpointDir">The <c>step-NNNNNNNN</c> folder.</param>
    /// <param name="module">The model, built from the run's config.</param>
    /// <param name="optimizer">The optimiser over the module's trainable parameters.</param>
    /// <param name="allowNonFinite">
    /// Accept NaN or infinite values in the weights and the optimiser's moments (to inspect a diverged run). Off by
    /// default: resuming from such a checkpoint would only diverge again, far from the cause.
    /// </param>
    /// <exception cref="CheckpointFormatException">A file is missing, truncated or corrupt, or a float tensor holds NaN or infinite values; names the file (and the tensor).</exception>
    /// <exception cref="CheckpointMismatchException">The weights do not fit the model; names the file and every offending tensor.</exception>
    public static TrainingState Load(string checkpointDir, nn.Module module, TrainingOptimizer optimizer, bool allowNonFinite = false)
    {
        var state = ReadState(Path.Combine(checkpointDir, StateFile));
        var read = new SafeTensorsReadOptions { RejectNonFinite = !allowNonFinite };
        using (var file = Open(Path.Combine(checkpointDir, ModelFile), read))
        {
            StateDictLoader.Load(module, file);
        }
        var optimizerPath = Path.Combine(checkpointDir, OptimizerFile);
        using (var file = Open(optimizerPath, read))
        {
            try
            {
                optimizer.LoadStateTensors(name => file.Tensors.ContainsKey(name) ? file.ReadTensor(name) : null);
            }
            catch (InvalidDataException e)
            {
                throw new CheckpointFormatException(optimizerPath, e.Message, e);
            }
            if (!file.Tensors.ContainsKey(RngKey))
            {
                throw new CheckpointFormatException(optimizerPath, $"the generator state ({RngKey}) is missing.");
            }
            using var rng = file.ReadTensor(RngKey);
            torch.random.set_rng_state(rng);
        }
        return state;
    }

    private static SafeTensorsFile Open(string path, SafeTensorsReadOptions options)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointFormatException(path, "the file is missing from the checkpoint.");
        }
        return SafeTensorsFile.Open(path, options);
    }

    private static TrainingState ReadState(string path)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointFormatException(path, "the file is missing from the checkpoint.");
        }
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new CheckpointFormatException(path, "not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(path, $"not valid JSON ({e.Message}).", e);
        }
        if (Text(root, "format", path) != Format)
        {
            throw new CheckpointFormatException(path, $"format is not '{Format}'.");
        }
        var version = Long(root, "format_version", path);
        if (version < 1 || version > FormatVersion)
        {
            throw new CheckpointFormatException(path, $"format_version {version} is not supported (1..{FormatVersion}).");
        }
        var state = new TrainingState(
            Long(root, "step", path), (int)Long(root, "epoch", path), (int)Long(root, "batch_index", path),
            Long(root, "samples_seen", path), Long(root, "total_steps", path), (int)Long(root, "warmup_steps", path));
        if (state.Step < 0 || state.Epoch < 0 || state.BatchIndex < 0 || state.TotalSteps < 1 || state.Step > state.TotalSteps)
        {
            throw new CheckpointFormatException(path, $"inconsistent values (step {state.Step}, epoch {state.Epoch}, batch_index {state.BatchIndex}, total_steps {state.TotalSteps}).");
        }
        return state;
    }

    private static string Text(JsonObject root, string field, string path) =>
        root[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new CheckpointFormatException(path, $"{field} is missing or not a string.");

    private static long Long(JsonObject root, string field, string path) =>
        root[field] is JsonValue v && v.TryGetValue<long>(out var n) ? n : throw new CheckpointFormatException(path, $"{field} is missing or not an integer.");
}
