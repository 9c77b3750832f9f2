namespace MultiModal.Encoders.Dual;

/// <summary>Options for <see cref="ProjectedDualEncoder.Load"/>.</summary>
public sealed record DualEncoderLoadOptions
{
    /// <summary>
    /// Accept projection heads that hold NaN or infinite values (for research on diverged runs). Off by default: such a
    /// tensor makes loading throw a <see cref="Checkpoints.CheckpointFormatException"/> naming the file and the tensor.
    /// </summary>
    public bool AllowNonFiniteWeights { get; init; }
}
