namespace MultiModal.Training;

/// <summary>The loss became NaN or infinite; the step was not applied, so the last checkpoint is the state to go back to.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(long step, double loss, string? lastCheckpoint)
        : base($"Training diverged at step {step + 1}: the loss is {loss}. The step was not applied; " +
               (lastCheckpoint is null ? "no checkpoint was written yet." : $"the last checkpoint is {lastCheckpoint}.") +
               " Lower optimizer.lr, raise schedule.warmup_steps or set clip_grad_norm.")
    {
        Step = step;
        Loss = loss;
        LastCheckpoint = lastCheckpoint;
    }

    /// <summary>Optimiser steps completed before the failing one.</summary>
    public long Step { get; }

    /// <summary>The non-finite loss.</summary>
    public double Loss { get; }

    /// <summary>The last checkpoint folder written, if any.</summary>
    public string? LastCheckpoint { get; }
}
