using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MultiModal.Encoders.Onnx;

/// <summary>
/// One ONNX Runtime inference session with this library's error handling: missing and corrupt files, absent execution
/// providers and graphs without the expected inputs or outputs become exceptions that name the file and the problem.
/// </summary>
/// <remarks>Thread-safe: <see cref="InferenceSession.Run(IReadOnlyCollection{NamedOnnxValue})"/> may be called concurrently.</remarks>
internal sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession _session;

    private OnnxSession(InferenceSession session, string source)
    {
        _session = session;
        Source = source;
    }

    /// <summary>The model file (or resource name) the session was made from.</summary>
    public string Source { get; }

    public IReadOnlyDictionary<string, NodeMetadata> Inputs => _session.InputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> Outputs => _session.OutputMetadata;

    /// <summary>Custom metadata_props of the model (empty when none).</summary>
    public IReadOnlyDictionary<string, string> Metadata => _session.ModelMetadata.CustomMetadataMap;

    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="OnnxModelException">The file is not a loadable ONNX model.</exception>
    /// <exception cref="OnnxProviderUnavailableException">The execution provider cannot be used here.</exception>
    public static OnnxSession Open(string path, OnnxSessionOptions options)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The ONNX model file '{path}' does not exist.", path);
        }
        return Create(path, so => new InferenceSession(path, so), options);
    }

    /// <exception cref="OnnxModelException">The bytes are not a loadable ONNX model.</exception>
    /// <exception cref="OnnxProviderUnavailableException">The execution provider cannot be used here.</exception>
    public static OnnxSession Open(byte[] model, string source, OnnxSessionOptions options) =>
        Create(source, so => new InferenceSession(model, so), options);

    private static OnnxSession Create(string source, Func<SessionOptions, InferenceSession> make, OnnxSessionOptions options)
    {
        options.Validate();
        using var so = MakeSessionOptions(options);
        try
        {
            return new OnnxSession(make(so), source);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException(source, $"'{source}' is not a loadable ONNX model: {e.Message}", e);
        }
    }

    private static SessionOptions MakeSessionOptions(OnnxSessionOptions options)
    {
        var so = new SessionOptions { IntraOpNumThreads = options.IntraOpThreads };
        if (options.ExecutionProvider == OnnxExecutionProvider.Cuda)
        {
            try
            {
                so.AppendExecutionProvider_CUDA(options.DeviceId);
            }
            catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                so.Dispose();
                throw new OnnxProviderUnavailableException(OnnxExecutionProvider.Cuda,
                    $"The CUDA execution provider of ONNX Runtime could not be loaded (device {options.DeviceId}): {e.Message} " +
                    "It needs (1) the GPU build of ONNX Runtime: build with -p:MultiModalOnnxBackend=cuda, which references " +
                    "Microsoft.ML.OnnxRuntime.Gpu.Linux instead of the CPU package Microsoft.ML.OnnxRuntime, and (2) CUDA 12 and " +
                    "cuDNN 9 (libcudart.so.12, libcublas.so.12, libcublasLt.so.12, libcufft.so.11, libcudnn.so.9) on the library " +
                    "path, e.g. from NVIDIA's cuda-toolkit-12 and cudnn9-cuda-12 packages with LD_LIBRARY_PATH set. " +
                    "Or use OnnxExecutionProvider.Cpu.", e);
            }
        }
        return so;
    }

    /// <summary>"name: type [dims]" for each graph input, for error messages.</summary>
    public string DescribeInputs() => Describe(Inputs);

    /// <summary>"name: type [dims]" for each graph output, for error messages.</summary>
    public string DescribeOutputs() => Describe(Outputs);

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        nodes.Count == 0 ? "(none)" : string.Join(", ", nodes.Select(kv => $"{kv.Key}: {kv.Value.ElementDataType} [{Dims(kv.Value)}]"));

    private static string Dims(NodeMetadata node) =>
        string.Join(", ", node.Dimensions.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : node.SymbolicDimensions.Length > i && node.SymbolicDimensions[i].Length > 0 ? node.SymbolicDimensions[i] : "?"));

    /// <summary>Checks that input <paramref name="name"/> exists with the element type and rank the tower feeds.</summary>
    /// <exception cref="OnnxModelException">It does not; the message lists the model's inputs.</exception>
    public void RequireInput(string name, TensorElementType type, int rank, string role)
    {
        if (!Inputs.TryGetValue(name, out var node))
        {
            throw new OnnxModelException(Source, $"'{Source}' has no input '{name}' ({role}); the model's inputs are: {DescribeInputs()}.");
        }
        if (node.ElementDataType != type || node.Dimensions.Length != rank)
        {
            throw new OnnxModelException(Source, $"'{Source}': input '{name}' ({role}) must be a rank-{rank} {type} tensor; the model's inputs are: {DescribeInputs()}.");
        }
    }

    /// <summary>Checks that output <paramref name="name"/> exists as a float tensor of the given rank.</summary>
    /// <exception cref="OnnxModelException">It does not; the message lists the model's outputs and <paramref name="hint"/>.</exception>
    public void RequireOutput(string name, int rank, string hint)
    {
        if (!Outputs.TryGetValue(name, out var node) || node.ElementDataType != TensorElementType.Float || node.Dimensions.Length != rank)
        {
            throw new OnnxModelException(Source, $"'{Source}' has no float output '{name}' of rank {rank}; the model's outputs are: {DescribeOutputs()}. {hint}");
        }
    }

    /// <summary>The static size of dimension <paramref name="axis"/> of a graph input or output, or -1 when it is symbolic.</summary>
    public static int StaticDim(NodeMetadata node, int axis) => node.Dimensions.Length > axis ? node.Dimensions[axis] : -1;

    /// <summary>Runs the graph and returns one float output as a row-major array with its shape.</summary>
    /// <param name="inputs">Input names with their values (owned by the caller).</param>
    /// <param name="output">The output to fetch.</param>
    /// <exception cref="OnnxModelException">ONNX Runtime refused the inputs (wrong shape for this graph).</exception>
    public (float[] Data, long[] Shape) Run(IReadOnlyList<(string Name, OrtValue Value)> inputs, string output)
    {
        var names = new string[inputs.Count];
        var values = new OrtValue[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            (names[i], values[i]) = inputs[i];
        }
        try
        {
            using var runOptions = new RunOptions();
            using var results = _session.Run(runOptions, names, values, [output]);
            var tensor = results[0];
            var shape = tensor.GetTensorTypeAndShape().Shape;
            return (tensor.GetTensorDataAsSpan<float>().ToArray(), shape);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException(Source, $"'{Source}' failed to run on the given inputs: {e.Message}", e);
        }
    }

    public void Dispose() => _session.Dispose();
}
