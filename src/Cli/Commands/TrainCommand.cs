using System.Globalization;
using MultiModal.Training;
using MultiModal.Training.Config;
using MultiModal.Training.Logging;

namespace MultiModal.Cli.Commands;

/// <summary>
/// <c>mm train --config FILE.json</c> starts a run; <c>mm train --resume DIR</c> continues one from its newest
/// checkpoint. Progress goes to standard error, a JSON summary to standard output. Ctrl-C saves a checkpoint and
/// exits with 130.
/// </summary>
internal static class TrainCommand
{
    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        Run(argv, stdout, stderr, Environment, cancellationToken);

    /// <summary>The core, with the environment factory exposed for tests.</summary>
    internal static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr, Func<TrainingConfig, TrainingEnvironment> environment, CancellationToken cancellationToken)
    {
        var args = Arguments.Parse(argv, new HashSet<string>());
        var configPath = args.Optional("config");
        var resume = args.Optional("resume");
        args.RejectUnused();
        if (args.Positionals.Count > 0)
        {
            throw new UsageException($"mm train takes no positional arguments (got '{args.Positionals[0]}').");
        }
        if ((configPath is null) == (resume is null))
        {
            throw new UsageException("mm train needs exactly one of --config FILE.json and --resume DIR.");
        }
        try
        {
            using var trainer = resume is not null
                ? Trainer.Resume(resume, environment(TrainingConfig.Load(Path.Combine(resume, Trainer.ConfigFile))))
                : Trainer.Create(TrainingConfig.Load(configPath!), environment(TrainingConfig.Load(configPath!)));
            var result = trainer.Run(new ConsoleProgress(stderr), cancellationToken);
            CliApp.WriteJson(stdout, w =>
            {
                w.WriteStartObject();
                w.WriteString("output_dir", trainer.Config.OutputDir);
                w.WriteNumber("step", result.Step);
                w.WriteNumber("total_steps", result.TotalSteps);
                if (result.Losses.Count > 0)
                {
                    w.WriteNumber("final_loss", result.Losses[^1]);
                }
                w.WriteString("last_checkpoint", result.LastCheckpoint);
                w.WriteString("final_model", result.FinalModelDir);
                if (result.LinearProbe is { } probe)
                {
                    w.WriteNumber("train_accuracy", probe.TrainAccuracy);
                    w.WriteNumber("eval_accuracy", probe.EvalAccuracy);
                }
                w.WriteEndObject();
            });
            return CliApp.Ok;
        }
        catch (Exception e) when (e is TrainingDivergedException or InvalidOperationException)
        {
            stderr.WriteLine($"mm: {e.Message}");
            return CliApp.Failed;
        }
    }

    /// <summary>
    /// The pieces the trainer needs from the data library and the ONNX towers. To be wired at merge: the image-text
    /// loader over <c>data.train</c> (DatasetSpec.Open + the seeded loader), dataset opening, and the tower names
    /// <c>onnx-resnet18</c> / <c>onnx-minilm-l6</c>.
    /// </summary>
    internal static TrainingEnvironment Environment(TrainingConfig config) => TrainingEnvironment.Default;

    private sealed class ConsoleProgress(TextWriter stderr) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            var inv = CultureInfo.InvariantCulture;
            var line = p.Phase switch
            {
                TrainingPhase.Features => string.Format(inv, "features {0}/{1}", p.Done, p.Total),
                TrainingPhase.LinearProbe => string.Format(inv, "probe {0}/{1} loss {2:F4}", p.Done, p.Total, p.Loss),
                _ => string.Format(inv, "step {0}/{1} epoch {2} loss {3:F4} lr {4:E2} scale {5:F1} {6:F1} samples/s wait {7:P0} eta {8:hh\\:mm\\:ss}",
                    p.Done, p.Total, p.Epoch, p.Loss, p.LearningRate, p.LogitScale, p.SamplesPerSecond, p.DataWaitFraction, p.Eta ?? TimeSpan.Zero),
            };
            stderr.WriteLine(line);
        }
    }
}
