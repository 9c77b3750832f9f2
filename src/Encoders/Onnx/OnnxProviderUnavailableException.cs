namespace MultiModal.Encoders.Onnx;

/// <summary>
/// The execution provider asked for in <see cref="OnnxSessionOptions"/> cannot be used on this machine (for CUDA: the
/// GPU build of ONNX Runtime or the CUDA / cuDNN libraries it loads are missing). The message says what is missing
/// and how to get it.
/// </summary>
public sealed class OnnxProviderUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider that could not be used.</param>
    /// <param name="message">What is missing and how to get it.</param>
    /// <param name="innerException">The ONNX Runtime error.</param>
    public OnnxProviderUnavailableException(OnnxExecutionProvider provider, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Provider = provider;
    }

    /// <summary>The provider that could not be used.</summary>
    public OnnxExecutionProvider Provider { get; }
}
