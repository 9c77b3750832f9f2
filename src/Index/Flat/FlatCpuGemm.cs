namespace MultiModal.Index.Flat;

/// <summary>Which matrix-product library a <see cref="FlatBackend.Cpu"/> search uses for its score tiles.</summary>
public enum FlatCpuGemm
{
    /// <summary>
    /// OpenBLAS when the system has it (Debian: <c>libopenblas0-pthread</c> or <c>libopenblas0-openmp</c>), else
    /// libtorch. On the AMD EPYC test machine OpenBLAS's single-thread sgemm runs ~10% faster than libtorch's.
    /// </summary>
    Auto,

    /// <summary>libtorch's sgemm (always present: it ships with TorchSharp).</summary>
    LibTorch,

    /// <summary>The system's OpenBLAS (<c>libopenblas.so.0</c>); the index fails to build when it is missing.</summary>
    OpenBlas,
}
