namespace MultiModal.Training;

/// <summary>What a <see cref="Trainer.Run"/> call did.</summary>
/// <param name="FirstStep">Steps already completed when the call began (0 for a fresh run, the checkpoint's step when resumed).</param>
/// <param name="Step">Steps completed when the call ended.</param>
/// <param name="TotalSteps">Steps in the whole run.</param>
/// <param name="Losses">The total loss of each step this call ran, in order (steps FirstStep+1 .. Step).</param>
/// <param name="LastCheckpoint">The last checkpoint folder written, if any.</param>
/// <param name="FinalModelDir">Where the trained model was saved, when the run finished.</param>
/// <param name="LinearProbe">The probe's accuracies in <c>linear-probe</c> mode, else null.</param>
public sealed record TrainingResult(
    long FirstStep,
    long Step,
    long TotalSteps,
    IReadOnlyList<float> Losses,
    string? LastCheckpoint,
    string? FinalModelDir,
    Probe.LinearProbeReport? LinearProbe = null);
