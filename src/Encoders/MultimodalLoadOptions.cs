using MultiModal.Encoders.Onnx;
using static TorchSharp.torch;

namespace MultiModal.Encoders;

/// <summary>Options for <see cref="MultimodalModels.Load"/>, applied to whichever kind of model the folder holds.</summary>
public sealed record MultimodalLoadOptions
{
    /// <summary>Device of TorchSharp models (CLIP checkpoints, dual-encoder heads); null means CPU.</summary>
    public Device? Device { get; init; }

    /// <summary>Explicit CLIP tokenizer vocabulary (a <c>.txt.gz</c> file or a folder with vocab.json + merges.txt).</summary>
    public string? TokenizerPath { get; init; }

    /// <summary>ONNX Runtime session settings of ONNX towers (CPU by default).</summary>
    public OnnxSessionOptions Onnx { get; init; } = new();

    /// <summary>
    /// Accept TorchSharp weights (CLIP checkpoints, dual-encoder heads) that hold NaN or infinite values; off by default
    /// (see <see cref="ClipLoadOptions.AllowNonFiniteWeights"/>). ONNX graphs are not scanned.
    /// </summary>
    public bool AllowNonFiniteWeights { get; init; }

    /// <summary>Decode truncated JPEG and PNG files as PIL's <c>LOAD_TRUNCATED_IMAGES</c> does, in every kind of model
    /// (see <see cref="ClipLoadOptions.AllowTruncatedImages"/>); off by default.</summary>
    public bool AllowTruncatedImages { get; init; }

    /// <summary>Receives load warnings of TorchSharp models (see <see cref="ClipLoadOptions.Warn"/>); null drops them.</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate() => Onnx.Validate();
}
