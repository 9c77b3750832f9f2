namespace MultiModal.Encoders.Checkpoints;

/// <summary>Limits applied when opening a safetensors file.</summary>
public sealed record SafeTensorsReadOptions
{
    /// <summary>The largest header the reader accepts, in bytes; 100 MB like the reference (MAX_HEADER_SIZE).</summary>
    /// <remarks>The header is read into one managed buffer, so this bounds the allocation a hostile file can cause.</remarks>
    public long MaxHeaderBytes { get; init; } = 100_000_000;

    /// <summary>
    /// Refuse NaN and infinite values in floating-point tensors (F64, F32, F16, BF16): <see cref="SafeTensorsFile.ReadTensor"/>
    /// then throws a <see cref="CheckpointFormatException"/> naming the tensor and how many of each it holds. Off by
    /// default, since the format allows any value; the model loaders turn it on for weights (see
    /// <see cref="ClipLoadOptions.AllowNonFiniteWeights"/>).
    /// </summary>
    /// <remarks>The check scans each chunk right after reading it, vectorised over the raw bits (no conversion).</remarks>
    public bool RejectNonFinite { get; init; }

    /// <summary>
    /// Bytes copied per read call; tensors larger than this are filled in slices because a TorchSharp byte span
    /// is limited to <see cref="int.MaxValue"/>. Internal so tests can force the sliced path on tiny tensors.
    /// </summary>
    internal int ReadChunkBytes { get; init; } = 64 << 20;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (MaxHeaderBytes < 2 || MaxHeaderBytes > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxHeaderBytes), MaxHeaderBytes, $"Must be between 2 (\"{{}}\") and {Array.MaxLength}.");
        }
        if (ReadChunkBytes < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(ReadChunkBytes), ReadChunkBytes, "Must be at least 8.");
        }
    }
}
