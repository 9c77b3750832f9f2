namespace MultiModal.Encoders.Onnx;

/// <summary>Where ONNX Runtime executes a graph.</summary>
public enum OnnxExecutionProvider
{
    /// <summary>ONNX Runtime's default CPU provider (the <c>Microsoft.ML.OnnxRuntime</c> package). The default.</summary>
    Cpu = 0,

    /// <summary>
    /// NVIDIA CUDA: needs a build with <c>-p:MultiModalOnnxBackend=cuda</c> (package
    /// <c>Microsoft.ML.OnnxRuntime.Gpu.Linux</c>) and the CUDA 12 and cuDNN 9 libraries on the library path.
    /// </summary>
    Cuda = 1,
}
