namespace MultiModal.Encoders.Dual;

/// <summary>Options for <see cref="ProjectedDualEncoder.Load"/>.</summary>
public sealed record DualEncoderLoadOptions
{
    /// <summary>
    /// Accept projection heads that hold NaN or infinite values (for research on diverged runs). Off by default: such a
    /// tensor makes loading throw a <see cref="Checkpoints.CheckpointFormatException"/> naming the file and the tensor.
    /// </summary>
    public bool AllowNonFiniteWeights { get; init; }

    /// <summary>
    /// Receives load warnings naming the file and the tensor: today, an all-zero projection head, which maps every input
    /// of that tower to the zero vector (NaN once L2-normalised). Null drops them (see <see cref="ClipLoadOptions.Warn"/>).
    /// </summary>
    public Action<string>? Warn { get; init; }
}
