namespace MultiModal.Training.Optim;

/// <summary>
/// Linear warmup then half-cosine decay to zero: OpenCLIP's <c>cosine_lr</c> (training/scheduler.py). During warmup
/// the rate at step s is <c>base · (s + 1) / warmup</c>; afterwards <c>0.5 · (1 + cos(π · e / es)) · base</c> with
/// <c>e = s − warmup</c> and <c>es = total − warmup</c>. The schedule is a pure function of the step, so its only state
/// is the step itself (checkpoints record it).
/// </summary>
public sealed record WarmupCosineSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">warmup &lt; 0, total &lt; 1 or warmup ≥ total.</exception>
    public WarmupCosineSchedule(int warmupSteps, int totalSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        if (warmupSteps >= totalSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, $"Warmup must be shorter than the run ({totalSteps} steps).");
        }
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
    }

    /// <summary>Steps of linear warmup.</summary>
    public int WarmupSteps { get; }

    /// <summary>Steps in the run.</summary>
    public int TotalSteps { get; }

    /// <summary>The fraction of the base rate used at optimiser step <paramref name="step"/> (0-based).</summary>
    public double Multiplier(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps)
        {
            return (step + 1) / (double)WarmupSteps;
        }
        double e = step - WarmupSteps, es = TotalSteps - WarmupSteps;
        return 0.5 * (1 + Math.Cos(Math.PI * e / es));
    }
}
