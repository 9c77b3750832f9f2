namespace MultiModal.Encoders.Onnx;

/// <summary>How the ONNX Runtime sessions of a tower are created.</summary>
public sealed record OnnxSessionOptions
{
    /// <summary>Largest accepted <see cref="IntraOpThreads"/>.</summary>
    public const int MaxThreads = 1024;

    /// <summary>Execution provider. Default <see cref="OnnxExecutionProvider.Cpu"/>.</summary>
    public OnnxExecutionProvider ExecutionProvider { get; init; } = OnnxExecutionProvider.Cpu;

    /// <summary>Threads one inference may use inside an operator; 0 lets ONNX Runtime choose (one per physical core). Default 0.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>CUDA device ordinal, for <see cref="OnnxExecutionProvider.Cuda"/>. Default 0.</summary>
    public int DeviceId { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(ExecutionProvider))
        {
            throw new ArgumentOutOfRangeException(nameof(ExecutionProvider), ExecutionProvider, "Unknown execution provider.");
        }
        if (IntraOpThreads is < 0 or > MaxThreads)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, $"IntraOpThreads must be in [0, {MaxThreads}] (0 = ONNX Runtime's choice).");
        }
        if (DeviceId < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DeviceId), DeviceId, "DeviceId must not be negative.");
        }
    }
}
