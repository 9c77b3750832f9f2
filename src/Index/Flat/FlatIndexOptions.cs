using TorchSharp;

namespace MultiModal.Index.Flat;

/// <summary>Options of a <see cref="FlatIndex"/>.</summary>
public sealed record FlatIndexOptions
{
    /// <summary>Element type of the stored vectors. Default float32.</summary>
    public FlatStorage Storage { get; init; } = FlatStorage.Float32;

    /// <summary>Search engine. Default <see cref="FlatBackend.Cpu"/>.</summary>
    public FlatBackend Backend { get; init; } = FlatBackend.Cpu;

    /// <summary>
    /// Worker threads of a CPU search; 0 means <see cref="Environment.ProcessorCount"/>. Each worker runs
    /// single-threaded matrix products only if libtorch's process-wide pool is at one thread
    /// (<c>torch.set_num_threads(1)</c>); otherwise the two pools multiply.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>Matrix-product library of the <see cref="FlatBackend.Cpu"/> backend. Default <see cref="FlatCpuGemm.Auto"/>.</summary>
    public FlatCpuGemm Gemm { get; init; } = FlatCpuGemm.Auto;

    /// <summary>Device of the <see cref="FlatBackend.TorchSharp"/> backend; null means the CPU.</summary>
    public torch.Device? Device { get; init; }

    /// <summary>Queries per device batch of the <see cref="FlatBackend.TorchSharp"/> backend. Default 1024.</summary>
    public int DeviceQueryBatch { get; init; } = 1024;

    /// <summary>Rows to reserve up front. Default 0 (grows by doubling).</summary>
    public int InitialCapacity { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Storage))
        {
            throw new ArgumentOutOfRangeException(nameof(Storage), Storage, "Unknown storage type.");
        }
        if (!Enum.IsDefined(Backend))
        {
            throw new ArgumentOutOfRangeException(nameof(Backend), Backend, "Unknown backend.");
        }
        if (!Enum.IsDefined(Gemm))
        {
            throw new ArgumentOutOfRangeException(nameof(Gemm), Gemm, "Unknown matrix-product library.");
        }
        if (Threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Must be 0 (all cores) or positive.");
        }
        if (DeviceQueryBatch <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DeviceQueryBatch), DeviceQueryBatch, "Must be positive.");
        }
        if (InitialCapacity < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialCapacity), InitialCapacity, "Must not be negative.");
        }
    }

    internal int EffectiveThreads => Threads == 0 ? Environment.ProcessorCount : Threads;
}
