using System.Globalization;
using System.Text.Json.Nodes;
using MultiModal.Encoders;
using MultiModal.Encoders.Checkpoints;
using MultiModal.Encoders.Config;
using MultiModal.Encoders.Dual;
using MultiModal.Encoders.IO;
using MultiModal.Encoders.Imaging;
using MultiModal.Encoders.Models;
using MultiModal.Encoders.Tokenization;
using MultiModal.Training.Checkpointing;
using MultiModal.Training.Config;
using MultiModal.Training.Features;
using MultiModal.Training.Logging;
using MultiModal.Training.Models;
using MultiModal.Training.Optim;
using MultiModal.Training.Probe;
using TorchSharp;
using static TorchSharp.torch;

namespace MultiModal.Training;

/// <summary>
/// Trains a CLIP network or a projected dual encoder with the contrastive loss (or fits a linear probe), as a
/// <see cref="TrainingConfig"/> says: <see cref="Create"/> a fresh run or <see cref="Resume"/> one from its output
/// folder, then <see cref="Run"/>. Output folder: <c>config.json</c>, <c>metrics.jsonl</c>, <c>tensorboard/</c>,
/// <c>checkpoints/step-N/</c>, <c>features/</c> (dual) and <c>final/</c> (the trained model).
/// </summary>
public sealed class Trainer : IDisposable
{
    /// <summary>The copy of the config in the output folder that <see cref="Resume"/> reads.</summary>
    public const string ConfigFile = "config.json";

    private readonly TrainingEnvironment _environment;
    private readonly ClipModel? _clipModel;
    private readonly ClipNetwork? _network;
    private readonly ProjectedDualEncoder? _dual;
    private readonly TrainingOptimizer? _optimizer;
    private readonly nn.Module? _trainedModule;
    private TrainingState? _state;
    private ClipTokenizer? _configTokenizer;

    private Trainer(TrainingConfig config, TrainingEnvironment environment, ClipModel? clipModel, ClipNetwork? network, ProjectedDualEncoder? dual)
    {
        Config = config;
        _environment = environment;
        _clipModel = clipModel;
        _network = network;
        _dual = dual;
        var device = new Device(config.Device);
        if (network is not null)
        {
            network.to(device);
            var model = new ClipContrastiveModel(network, config.Mode, device);
            _optimizer = new TrainingOptimizer(model.Trainable, config.Optimizer);
            Model = model;
            _trainedModule = network;
        }
        else if (dual is not null && config.Mode != TrainingMode.LinearProbe)
        {
            dual.Heads.to(device);
            var model = new DualContrastiveModel(dual.Heads, device);
            _optimizer = new TrainingOptimizer(model.Trainable, config.Optimizer);
            Model = model;
            _trainedModule = dual.Heads;
        }
    }

    /// <summary>The run's settings.</summary>
    public TrainingConfig Config { get; }

    /// <summary>Optimiser steps completed (the checkpoint's step after <see cref="Resume"/>).</summary>
    public long Step => _state?.Step ?? 0;

    /// <summary>The trained network for <c>model.kind clip</c>, else null.</summary>
    public ClipNetwork? Network => _network;

    /// <summary>The dual encoder (towers + heads) for <c>model.kind dual</c>, else null.</summary>
    public ProjectedDualEncoder? DualEncoder => _dual;

    private object? Model { get; }

    /// <summary>Builds the model and optimiser of a fresh run.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The config is invalid; names the field.</exception>
    /// <exception cref="IOException">The output folder already holds checkpoints (resume it instead).</exception>
    /// <exception cref="InvalidOperationException">The environment lacks a piece the config needs.</exception>
    public static Trainer Create(TrainingConfig config, TrainingEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(environment);
        config.Validate();
        if (TrainingCheckpoint.FindLatest(config.OutputDir) is { } existing)
        {
            throw new IOException($"{config.OutputDir} already holds checkpoints ({existing}): resume it (mm train --resume {config.OutputDir}) or choose another output_dir.");
        }
        return Build(config, environment);
    }

    /// <summary>Reopens a run from its output folder: the saved config and the newest checkpoint (weights, optimiser, generator, data position).</summary>
    /// <exception cref="FileNotFoundException">The folder has no config.json or no checkpoint.</exception>
    /// <exception cref="CheckpointFormatException">The checkpoint is truncated or corrupt; names the file.</exception>
    public static Trainer Resume(string outputDir, TrainingEnvironment environment)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDir);
        ArgumentNullException.ThrowIfNull(environment);
        var config = TrainingConfig.Load(Path.Combine(outputDir, ConfigFile)) with { OutputDir = outputDir };
        var latest = TrainingCheckpoint.FindLatest(outputDir)
            ?? throw new FileNotFoundException($"{outputDir} holds no checkpoint ({TrainingCheckpoint.Folder}/step-*) to resume from.", Path.Combine(outputDir, TrainingCheckpoint.Folder));
        var trainer = Build(config, environment);
        try
        {
            if (trainer._optimizer is null || trainer._trainedModule is null)
            {
                throw new InvalidOperationException($"Mode {config.Mode} does not checkpoint, so it cannot be resumed.");
            }
            trainer._state = TrainingCheckpoint.Load(latest, trainer._trainedModule, trainer._optimizer);
            return trainer;
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
    }

    /// <summary>Trains to the end (or fits the probe), checkpointing as configured.</summary>
    /// <param name="progress">Feature-caching, training and probe progress.</param>
    /// <param name="cancellationToken">Stops between steps; a checkpoint of the last completed step is saved first.</param>
    /// <exception cref="OperationCanceledException">Cancelled (after the checkpoint was written).</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public TrainingResult Run(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Config.OutputDir);
        var configPath = Path.Combine(Config.OutputDir, ConfigFile);
        if (!File.Exists(configPath))
        {
            AtomicFolder.ReplaceText(configPath, Config.ToJson());
        }
        if (Config.Mode == TrainingMode.LinearProbe)
        {
            return RunProbe(progress, cancellationToken);
        }
        return Model switch
        {
            ClipContrastiveModel clip => RunLoop(clip, (_environment.ClipBatches
                ?? throw new InvalidOperationException("CLIP training needs TrainingEnvironment.ClipBatches (the image-text loader)."))(Config, ClipInputsOf()), progress, cancellationToken),
            DualContrastiveModel dual => RunLoop(dual, FeatureSource(progress, cancellationToken), progress, cancellationToken),
            _ => throw new InvalidOperationException("No trainable model."),
        };
    }

    /// <summary>Disposes the model, the towers and the optimiser.</summary>
    public void Dispose()
    {
        _optimizer?.Dispose();
        if (_clipModel is not null)
        {
            _clipModel.Dispose();
        }
        else
        {
            _network?.Dispose();
        }
        _dual?.Dispose();
    }

    private static Trainer Build(TrainingConfig config, TrainingEnvironment environment)
    {
        if (config.Model.Kind == ModelKind.Clip)
        {
            if (config.Mode == TrainingMode.LinearProbe)
            {
                var probeModel = LoadClipModel(config);
                return new Trainer(config, environment, probeModel, null, null);
            }
            if (config.Model.ModelDir is not null)
            {
                var model = LoadClipModel(config);
                return new Trainer(config, environment, model, model.Network, null);
            }
            return new Trainer(config, environment, null, ClipNetwork.CreateRandom(ResolveArchitecture(config.Model.Architecture!), config.Seed), null);
        }
        var towers = environment.Towers ?? throw new InvalidOperationException("model.kind dual needs TrainingEnvironment.Towers to build the frozen towers.");
        var image = towers.CreateImageTower(config.Model.ImageTower!);
        var text = towers.CreateTextTower(config.Model.TextTower!);
        var heads = DualProjectionHeads.Create(image.EmbedDim, text.EmbedDim, config.Model.EmbedDim, config.Seed);
        var dual = ProjectedDualEncoder.Create(image, config.Model.ImageTower!, text, config.Model.TextTower!, heads, "dual-encoder");
        return new Trainer(config, environment, null, null, dual);
    }

    private static ClipModel LoadClipModel(TrainingConfig config) =>
        ClipModel.Load(config.Model.ModelDir ?? throw new ArgumentOutOfRangeException("model.model_dir", "linear-probe on a clip model needs model.model_dir (a model with its preprocessing)."));

    /// <summary>A built-in architecture name, or a path to an OpenCLIP model-config JSON file.</summary>
    private static ClipConfig ResolveArchitecture(string name)
    {
        if (ClipArchitectures.TryGet(name, out var config))
        {
            return config;
        }
        if (File.Exists(name))
        {
            return OpenClipConfigJson.Parse(File.ReadAllText(name), name);
        }
        throw new ArgumentOutOfRangeException("model.architecture", $"model.architecture '{name}' is neither a built-in architecture ({string.Join(", ", ClipArchitectures.Names)}) nor an existing model-config JSON file.");
    }

    /// <summary>The first <paramref name="maxPerClass"/> samples of each class (<c>data.max_per_class</c>), or the dataset itself when null.</summary>
    internal static Data.IImageTextDataset LimitPerClass(Data.IImageTextDataset dataset, int? maxPerClass) =>
        maxPerClass is { } max ? Data.PerClassLimitDataset.Create(dataset, max) : dataset;

    /// <summary>The tokenizer and preprocessing of the CLIP being trained: its own when loaded from a folder, else <c>model.tokenizer</c> and the architecture's image size.</summary>
    private ClipInputs ClipInputsOf()
    {
        if (_clipModel is not null)
        {
            return new ClipInputs(_clipModel.Tokenizer, _clipModel.PreprocessOptions);
        }
        return new ClipInputs(TokenizerFromConfig(), new ImagePreprocessOptions { ImageSize = _network!.Config.Vision.ImageSize });
    }

    /// <summary><c>model.tokenizer</c>, read once (the loader and the final save both need it).</summary>
    private ClipTokenizer? TokenizerFromConfig() => Config.Model.Tokenizer is { } path
        ? _configTokenizer ??= ClipTokenizer.FromModelDirectory(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", new ClipTokenizerOptions { ContextLength = _network!.Config.Text.ContextLength }, path)
        : null;

    private FeatureBatchSource FeatureSource(IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var open = _environment.OpenDataset ?? throw new InvalidOperationException("Dual-encoder training needs TrainingEnvironment.OpenDataset to cache the towers' features.");
        var dataset = LimitPerClass(open(Config.Data.Train), Config.Data.MaxPerClass);
        var table = FeatureCache.LoadOrBuild(Path.Combine(Config.OutputDir, "features"), dataset, _dual!.ImageTower, _dual.ImageTowerName, _dual.TextTower, _dual.TextTowerName,
            Config.Data.Templates, Config.Data.HeldOutClasses, progress, cancellationToken);
        return new FeatureBatchSource(table, Config.BatchSize, Config.Seed);
    }

    private TrainingResult RunLoop<TBatch>(IContrastiveModel<TBatch> model, IBatchSource<TBatch> source, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        long total = Config.Schedule.TotalSteps > 0
            ? Config.Schedule.TotalSteps
            : (long)Config.Schedule.Epochs * Math.Max(1, source.BatchesPerEpoch / Config.AccumulationSteps);
        if (Config.Schedule.WarmupSteps >= total)
        {
            throw new ArgumentOutOfRangeException("schedule.warmup_steps", $"schedule.warmup_steps ({Config.Schedule.WarmupSteps}) must be below the run's {total} steps.");
        }
        var state = _state ?? new TrainingState(0, 0, 0, 0, total, Config.Schedule.WarmupSteps);
        if (state.TotalSteps != total || state.WarmupSteps != Config.Schedule.WarmupSteps)
        {
            throw new InvalidOperationException($"The checkpoint's schedule ({state.TotalSteps} steps, {state.WarmupSteps} warmup) differs from this run's ({total}, {Config.Schedule.WarmupSteps}): did the dataset change?");
        }
        var loop = new TrainingLoop<TBatch>(model, source, Config, _optimizer!, new WarmupCosineSchedule(state.WarmupSteps, (int)total));
        long first = state.Step;
        List<float> losses;
        try
        {
            (state, losses) = loop.Run(state, progress, cancellationToken);
        }
        finally
        {
            _state = state;
        }
        _state = state;
        var final = Path.Combine(Config.OutputDir, "final");
        SaveFinal(final);
        return new TrainingResult(first, state.Step, total, losses, loop.LastCheckpoint, final);
    }

    private void SaveFinal(string directory)
    {
        if (_dual is not null)
        {
            _dual.Save(directory);
        }
        else if (_clipModel is not null)
        {
            _clipModel.Save(directory);
        }
        else
        {
            // From scratch: with model.tokenizer the folder is complete (ClipModel.Load reads it); without, weights and architecture only.
            if (TokenizerFromConfig() is { } tokenizer)
            {
                // Not disposed: the wrapper would dispose the network, which the trainer still owns.
                ClipModel.Create(_network!, tokenizer, new ImagePreprocessOptions { ImageSize = _network!.Config.Vision.ImageSize }).Save(directory);
                return;
            }
            AtomicFolder.Write(directory, staging =>
            {
                using var scope = NewDisposeScope();
                var weights = _network!.state_dict().Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.detach().cpu())).ToList();
                SafeTensorsWriter.Save(Path.Combine(staging, "model.safetensors"), weights, new Dictionary<string, string> { ["format"] = "pt" });
                AtomicFolder.WriteText(Path.Combine(staging, "model_cfg.json"), OpenClipConfigJson.ToJson(_network.Config).ToJsonString());
            }, new AtomicFolderOptions { Kind = "model" });
        }
    }

    private TrainingResult RunProbe(IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var open = _environment.OpenDataset ?? throw new InvalidOperationException("The linear probe needs TrainingEnvironment.OpenDataset.");
        IImageEncoder encoder = (IImageEncoder?)_clipModel ?? _dual!.ImageTower;
        var (trainX, trainY, classes) = ProbeFeatures(open(Config.Data.Train), encoder, progress, cancellationToken);
        var (evalX, evalY, _) = ProbeFeatures(open(Config.Data.Eval), encoder, progress, cancellationToken);
        var options = new LinearProbeOptions
        {
            Steps = Config.Schedule.TotalSteps > 0 ? Config.Schedule.TotalSteps : Config.Schedule.Epochs,
            Lr = Config.Optimizer.Lr,
            WeightDecay = Config.Optimizer.WeightDecay,
        };
        using var probe = LinearProbe.Fit(trainX, trainY, classes, options, progress, cancellationToken);
        var report = new LinearProbeReport(probe.Accuracy(trainX, trainY), probe.Accuracy(evalX, evalY), trainX.Count, evalX.Count, classes, probe.FinalLoss);
        var json = new JsonObject
        {
            ["train_accuracy"] = report.TrainAccuracy,
            ["eval_accuracy"] = report.EvalAccuracy,
            ["train_count"] = report.TrainCount,
            ["eval_count"] = report.EvalCount,
            ["classes"] = report.Classes,
            ["final_loss"] = report.FinalLoss,
            ["steps"] = options.Steps,
        };
        AtomicFolder.ReplaceText(Path.Combine(Config.OutputDir, "linear_probe.json"), json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return new TrainingResult(0, options.Steps, options.Steps, [(float)report.FinalLoss], null, null, report);
    }

    private static (List<float[]> X, List<int> Y, int Classes) ProbeFeatures(Data.IImageTextDataset dataset, IImageEncoder encoder, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var rows = Enumerable.Range(0, dataset.Count).ToList();
        var labels = rows.Select(i => dataset[i].Label).ToList();
        if (labels.FirstOrDefault(l => l < 0, 0) < 0)
        {
            throw new InvalidDataException($"Dataset {dataset.Name} has unlabelled samples: the linear probe needs class labels.");
        }
        var flat = FeatureCache.EncodeImages(dataset, rows, encoder, progress, cancellationToken);
        int d = encoder.EmbedDim;
        var x = rows.Select(r => flat.AsSpan(r * d, d).ToArray()).ToList();
        int classes = dataset.ClassNames?.Count ?? (labels.Count == 0 ? 0 : labels.Max() + 1);
        return (x, labels, Math.Max(classes, 2));
    }
}
