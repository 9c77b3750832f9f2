namespace MultiModal.Index.Flat;

/// <summary>Which engine runs a <see cref="FlatIndex"/> search.</summary>
public enum FlatBackend
{
    /// <summary>
    /// Blocked matrix products on the CPU over query × stored-row blocks (libtorch's sgemm on tensors that view the
    /// stored rows without copying), <see cref="FlatIndexOptions.Threads"/> workers, a running top-k heap per query.
    /// </summary>
    Cpu,

    /// <summary>
    /// A float32 copy of the rows kept in a tensor on <see cref="FlatIndexOptions.Device"/> (CUDA or CPU), searched
    /// with <c>torch.mm</c> + <c>torch.topk</c> in query batches. Tested on the CPU device only; CUDA is untested.
    /// </summary>
    TorchSharp,
}
