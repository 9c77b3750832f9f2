namespace MultiModal.Training.Config;

/// <summary>The <c>schedule</c> section: linear warmup then cosine decay to zero (OpenCLIP's <c>cosine_lr</c>).</summary>
public sealed record ScheduleSection
{
    /// <summary>Optimiser steps of linear warmup.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Training length in epochs (passes over the training batches); used when <see cref="TotalSteps"/> is 0.</summary>
    public int Epochs { get; init; }

    /// <summary>Training length in optimiser steps; 0 to derive it from <see cref="Epochs"/>.</summary>
    public int TotalSteps { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (WarmupSteps < 0)
        {
            throw new ArgumentOutOfRangeException("schedule.warmup_steps", WarmupSteps, "schedule.warmup_steps must be ≥ 0.");
        }
        if (Epochs < 0)
        {
            throw new ArgumentOutOfRangeException("schedule.epochs", Epochs, "schedule.epochs must be ≥ 0.");
        }
        if (TotalSteps < 0)
        {
            throw new ArgumentOutOfRangeException("schedule.total_steps", TotalSteps, "schedule.total_steps must be ≥ 0.");
        }
        if ((Epochs > 0) == (TotalSteps > 0))
        {
            throw new ArgumentOutOfRangeException("schedule.total_steps", "Set exactly one of schedule.epochs and schedule.total_steps.");
        }
        if (TotalSteps > 0 && WarmupSteps >= TotalSteps)
        {
            throw new ArgumentOutOfRangeException("schedule.warmup_steps", WarmupSteps, $"schedule.warmup_steps must be below schedule.total_steps ({TotalSteps}).");
        }
    }
}
