using static TorchSharp.torch;

namespace MultiModal.Encoders;

/// <summary>Options for <see cref="ClipModel.Load"/>.</summary>
public sealed record ClipLoadOptions
{
    /// <summary>Device to compute on; null means CPU. Pass <c>torch.CUDA</c> only when <c>torch.cuda.is_available()</c>.</summary>
    public Device? Device { get; init; }

    /// <summary>
    /// Compute dtype. F16/BF16 checkpoints are converted to it on load; the default, Float32, reproduces the
    /// reference implementation's float32 results.
    /// </summary>
    public ScalarType DType { get; init; } = ScalarType.Float32;

    /// <summary>
    /// Explicit tokenizer vocabulary: a <c>bpe_simple_vocab_16e6.txt.gz</c> file, or a folder with <c>vocab.json</c>
    /// and <c>merges.txt</c>. Overrides whatever the model folder holds.
    /// </summary>
    public string? TokenizerPath { get; init; }

    /// <summary>
    /// Accept weights holding NaN or infinite values (for research on broken or diverged checkpoints). Off by default:
    /// such a tensor makes <see cref="ClipModel.Load"/> throw a <see cref="Checkpoints.CheckpointFormatException"/>
    /// naming the file and the tensor, rather than produce NaN embeddings far from the cause.
    /// </summary>
    public bool AllowNonFiniteWeights { get; init; }

    /// <summary>
    /// Decode truncated JPEG and PNG files as PIL does with <c>ImageFile.LOAD_TRUNCATED_IMAGES = True</c> (missing
    /// blocks grey, missing rows zero) instead of refusing them; sets <see cref="Imaging.ImagePreprocessOptions.AllowTruncated"/>
    /// on the model's preprocessing. Off by default: a half-grey photo is a wrong embedding.
    /// </summary>
    public bool AllowTruncatedImages { get; init; }

    /// <summary>
    /// Receives load warnings: things that load but almost certainly make the model useless, one message each, naming
    /// the file and the tensor. Today: an all-zero projection (<c>visual.proj</c> or <c>text_projection</c>), which
    /// turns every embedding of that tower into the zero vector, and into NaN once L2-normalised. Called on the loading
    /// thread before <see cref="ClipModel.Load"/> returns; null (the default) drops the warnings and skips the checks.
    /// The command line prints them to stderr.
    /// </summary>
    public Action<string>? Warn { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (DType is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64))
        {
            throw new ArgumentOutOfRangeException(nameof(DType), DType, "The compute dtype must be a floating-point type.");
        }
    }
}
