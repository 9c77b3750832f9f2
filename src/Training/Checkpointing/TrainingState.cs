namespace MultiModal.Training.Checkpointing;

/// <summary>The loop's position: steps done, where the next batch comes from, and the schedule's length.</summary>
/// <param name="Step">Optimiser steps completed (the scheduler's state: the rate is a function of it).</param>
/// <param name="Epoch">Epoch of the next batch to read.</param>
/// <param name="BatchIndex">Index within that epoch of the next batch to read.</param>
/// <param name="SamplesSeen">Samples consumed by completed steps.</param>
/// <param name="TotalSteps">Steps in the run.</param>
/// <param name="WarmupSteps">Warmup steps of the schedule.</param>
internal sealed record TrainingState(long Step, int Epoch, int BatchIndex, long SamplesSeen, long TotalSteps, int WarmupSteps);
