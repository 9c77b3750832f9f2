using System.Diagnostics;
using MultiModal.Training.Checkpointing;
using MultiModal.Training.Config;
using MultiModal.Training.Logging;
using MultiModal.Training.Losses;
using MultiModal.Training.Models;
using MultiModal.Training.Optim;
using static TorchSharp.torch;

namespace MultiModal.Training;

/// <summary>
/// The optimisation loop shared by every trainable model: gather <c>accumulation_steps</c> batches, compute the
/// contrastive loss and gradients, clip, step AdamW at the scheduled rate, clamp the temperature, log, checkpoint.
/// </summary>
internal sealed class TrainingLoop<TBatch>
{
    private static readonly double MaxLogitScale = Math.Log(ContrastiveLoss.MaxScale);

    private readonly IContrastiveModel<TBatch> _model;
    private readonly IBatchSource<TBatch> _source;
    private readonly TrainingConfig _config;
    private readonly TrainingOptimizer _optimizer;
    private readonly WarmupCosineSchedule _schedule;
    private readonly ContrastiveLoss _loss = new();

    public TrainingLoop(IContrastiveModel<TBatch> model, IBatchSource<TBatch> source, TrainingConfig config, TrainingOptimizer optimizer, WarmupCosineSchedule schedule)
    {
        _model = model;
        _source = source;
        _config = config;
        _optimizer = optimizer;
        _schedule = schedule;
    }

    public string? LastCheckpoint { get; private set; }

    /// <summary>Runs from <paramref name="state"/> to the end; on cancellation saves a checkpoint of the last completed step and throws.</summary>
    public (TrainingState State, List<float> Losses) Run(TrainingState state, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        if (_source.BatchesPerEpoch < 1)
        {
            throw new InvalidOperationException("The batch source has no full batch per epoch (fewer samples than batch_size).");
        }
        var output = _config.OutputDir;
        Directory.CreateDirectory(output);
        using var metrics = new MetricsLog(Path.Combine(output, "metrics.jsonl"));
        var tensorBoard = new TensorBoardLog(Path.Combine(output, "tensorboard"));
        var losses = new List<float>();
        var window = Stopwatch.StartNew();
        var waited = TimeSpan.Zero;
        long windowSamples = 0, windowSteps = 0;
        long savedStep = -1;
        IEnumerator<TBatch>? reader = null;
        var (epoch, batchIndex) = (state.Epoch, state.BatchIndex);
        try
        {
            while (state.Step < state.TotalSteps)
            {
                var batches = new List<TBatch>(_config.AccumulationSteps);
                try
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    for (var j = 0; j < _config.AccumulationSteps; j++)
                    {
                        reader ??= _source.Read(epoch, batchIndex, cancellationToken).GetEnumerator();
                        var wait = Stopwatch.StartNew();
                        var more = reader.MoveNext();
                        waited += wait.Elapsed;
                        if (!more)
                        {
                            throw new InvalidOperationException($"The batch source ended epoch {epoch} after {batchIndex} batches; it promised {_source.BatchesPerEpoch}.");
                        }
                        batches.Add(reader.Current);
                        if (++batchIndex == _source.BatchesPerEpoch)
                        {
                            (epoch, batchIndex) = (epoch + 1, 0);
                            reader.Dispose();
                            reader = null;
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    if (savedStep != state.Step)
                    {
                        LastCheckpoint = TrainingCheckpoint.Save(output, state, _model.Module, _optimizer);
                    }
                    throw;
                }

                var lr = _config.Optimizer.Lr * _schedule.Multiplier(state.Step);
                _optimizer.SetLearningRate(lr);
                var parts = ForwardBackward(batches);
                if (!double.IsFinite(parts.Total))
                {
                    throw new TrainingDivergedException(state.Step, parts.Total, LastCheckpoint);
                }
                var gradNorm = _optimizer.ClipGradients(_config.ClipGradNorm);
                _optimizer.Step();
                using (no_grad())
                {
                    _model.LogitScale.clamp_(0, MaxLogitScale); // OpenCLIP train.py: logit_scale.clamp_(0, math.log(100))
                }
                int samples = batches.Sum(_model.Count);
                state = state with { Step = state.Step + 1, Epoch = epoch, BatchIndex = batchIndex, SamplesSeen = state.SamplesSeen + samples };
                losses.Add((float)parts.Total);
                windowSamples += samples;
                windowSteps++;

                bool last = state.Step == state.TotalSteps;
                if (state.Step % _config.LogEvery == 0 || last)
                {
                    var elapsed = window.Elapsed.TotalSeconds;
                    double scale;
                    using (no_grad())
                    {
                        scale = _model.LogitScale.exp().item<float>();
                    }
                    var m = new StepMetrics(state.Step, epoch, parts.Total, parts.ImageToText, parts.TextToImage, parts.I2TAccuracy, parts.T2IAccuracy,
                        lr, scale, gradNorm, windowSamples / Math.Max(elapsed, 1e-9), Math.Min(1, waited.TotalSeconds / Math.Max(elapsed, 1e-9)));
                    metrics.Write(m);
                    tensorBoard.Write(m);
                    var eta = TimeSpan.FromSeconds(elapsed / windowSteps * (state.TotalSteps - state.Step));
                    progress?.Report(new TrainingProgress(TrainingPhase.Training, state.Step, state.TotalSteps, epoch, m.Loss, lr, scale, m.SamplesPerSecond, m.DataWaitFraction, eta));
                    window.Restart();
                    waited = TimeSpan.Zero;
                    windowSamples = windowSteps = 0;
                }
                if (last || (_config.CheckpointEvery > 0 && state.Step % _config.CheckpointEvery == 0))
                {
                    LastCheckpoint = TrainingCheckpoint.Save(output, state, _model.Module, _optimizer);
                    savedStep = state.Step;
                }
            }
        }
        finally
        {
            reader?.Dispose();
        }
        return (state, losses);
    }

    private sealed record LossParts(double Total, double ImageToText, double TextToImage, double I2TAccuracy, double T2IAccuracy);

    /// <summary>Zeroes the gradients and fills them with those of the loss over all <paramref name="batches"/> taken as one batch.</summary>
    /// <remarks>
    /// One batch: the plain forward and backward. Several (gradient accumulation): OpenCLIP's <c>accum_freq</c> scheme
    /// (training/train.py) — encode every batch without gradient and cache the embeddings; then, for each batch j,
    /// re-encode it with gradient, splice its fresh embeddings into the cached ones and back-propagate the loss over
    /// the whole set. The loss's gradient with respect to each batch's embeddings flows back through that batch's
    /// forward only, so the summed gradients equal those of one large batch (averaging the losses of separate
    /// small batches would not: the negatives would be the small batch's). One deviation: the temperature takes part
    /// only in the first pass's graph (detached afterwards), where OpenCLIP lets each pass add its gradient and so
    /// scales the temperature's gradient by <c>accum_freq</c>.
    /// </remarks>
    private LossParts ForwardBackward(List<TBatch> batches)
    {
        _optimizer.ZeroGrad();
        using var scope = NewDisposeScope();
        if (batches.Count == 1)
        {
            var (image, text) = _model.Embed(batches[0]);
            using var output = _loss.forward(image, text, _model.LogitScale);
            output.Total.backward();
            return Read(output);
        }
        var cached = new List<(Tensor Image, Tensor Text)>(batches.Count);
        using (no_grad())
        {
            foreach (var batch in batches)
            {
                cached.Add(_model.Embed(batch));
            }
        }
        LossParts? parts = null;
        for (var j = 0; j < batches.Count; j++)
        {
            using var pass = NewDisposeScope();
            var fresh = _model.Embed(batches[j]);
            var images = cat(cached.Select((c, i) => i == j ? fresh.Image : c.Image).ToList(), 0);   // [k·B, D]
            var texts = cat(cached.Select((c, i) => i == j ? fresh.Text : c.Text).ToList(), 0);      // [k·B, D]
            var scale = j == 0 ? (Tensor)_model.LogitScale : _model.LogitScale.detach();
            using var output = _loss.forward(images, texts, scale);
            output.Total.backward();
            parts ??= Read(output);
        }
        return parts!;
    }

    private static LossParts Read(ContrastiveLossOutput o) => new(
        o.Total.item<float>(), o.ImageToText.item<float>(), o.TextToImage.item<float>(),
        o.ImageToTextAccuracy.item<float>(), o.TextToImageAccuracy.item<float>());
}
