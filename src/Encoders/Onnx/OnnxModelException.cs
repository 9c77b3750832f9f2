namespace MultiModal.Encoders.Onnx;

/// <summary>
/// An ONNX model file cannot serve as the tower asked for: it is not a valid ONNX model, lacks the inputs or outputs
/// the tower feeds and reads, or returns embeddings of the wrong width. The message names the file and the problem.
/// </summary>
public sealed class OnnxModelException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="modelPath">The model file (or resource) at fault.</param>
    /// <param name="message">What is wrong; should name <paramref name="modelPath"/>.</param>
    /// <param name="innerException">The ONNX Runtime error, if any.</param>
    public OnnxModelException(string modelPath, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ModelPath = modelPath;
    }

    /// <summary>The model file (or resource name) at fault.</summary>
    public string ModelPath { get; }
}
