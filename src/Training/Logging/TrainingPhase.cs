namespace MultiModal.Training.Logging;

/// <summary>What a <see cref="TrainingProgress"/> report is about.</summary>
public enum TrainingPhase
{
    /// <summary>Precomputing frozen-tower features (counts are samples).</summary>
    Features,

    /// <summary>Optimiser steps (counts are steps).</summary>
    Training,

    /// <summary>Fitting the linear probe (counts are probe steps).</summary>
    LinearProbe,
}
