namespace MultiModal.Training.Logging;

/// <summary>A progress report: for <see cref="TrainingPhase.Training"/>, the state after a logged step.</summary>
/// <param name="Phase">What is progressing.</param>
/// <param name="Done">Steps (or samples, for <see cref="TrainingPhase.Features"/>) done so far.</param>
/// <param name="Total">Steps (or samples) in the phase.</param>
/// <param name="Epoch">The epoch of the next batch.</param>
/// <param name="Loss">The contrastive loss of the last step (probe: its cross-entropy).</param>
/// <param name="LearningRate">The base learning rate of the last step (before per-group multipliers).</param>
/// <param name="LogitScale">exp(logit_scale) after the last step.</param>
/// <param name="SamplesPerSecond">Throughput since the previous report.</param>
/// <param name="DataWaitFraction">Fraction of the time since the previous report spent waiting for batches.</param>
/// <param name="Eta">Estimated time to the end of the phase, when known.</param>
public sealed record TrainingProgress(
    TrainingPhase Phase,
    long Done,
    long Total,
    int Epoch = 0,
    double Loss = double.NaN,
    double LearningRate = double.NaN,
    double LogitScale = double.NaN,
    double SamplesPerSecond = double.NaN,
    double DataWaitFraction = double.NaN,
    TimeSpan? Eta = null);
