using MultiModal.Encoders.Imaging;

namespace MultiModal.Encoders.Onnx;

/// <summary>How <see cref="ResNet18ImageEncoder"/> is loaded.</summary>
public sealed record ResNet18Options
{
    /// <summary>
    /// ONNX Runtime session settings. Default: CPU; with <see cref="OnnxSessionOptions.IntraOpThreads"/> 0 each session
    /// gets one intra-op thread, because the parallelism comes from <see cref="Parallelism"/> instead.
    /// </summary>
    public OnnxSessionOptions Session { get; init; } = new();

    /// <summary>
    /// Images run through the graphs at once (the graphs take one image per run); 0 means
    /// <see cref="Environment.ProcessorCount"/>. Concurrent single-threaded runs scale where ONNX Runtime's intra-op pool
    /// does not: on 2 cores, 2 concurrent runs give 1.9× the images/s of one run with 2 intra-op threads (which gives
    /// the same as 1).
    /// </summary>
    public int Parallelism { get; init; }

    /// <summary>
    /// The <c>DnnImageModels</c> folder of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 (holding
    /// <c>ResNetPrepOnnx/ResNetPreprocess.onnx</c> and <c>ResNet18Onnx/ResNet18.onnx</c>). Null: the copy the build places
    /// at <c>DnnImageModels/</c> under <see cref="AppContext.BaseDirectory"/>, where ML.NET also looks.
    /// </summary>
    public string? ModelDirectory { get; init; }

    /// <summary>
    /// Resampling filter of the resize to 224 px. Default <see cref="ImageInterpolation.Bilinear"/>, the filter ML.NET's
    /// ResizeImages uses (here Pillow's antialiased bilinear; ML.NET's own resampler is not reproduced bit for bit).
    /// </summary>
    public ImageInterpolation Interpolation { get; init; } = ImageInterpolation.Bilinear;

    /// <summary>Limits on the images read (size, formats); its <see cref="ImagePreprocessOptions.ImageSize"/>, mean, std, interpolation and resize mode are ignored.</summary>
    public ImagePreprocessOptions ImageLimits { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Session, nameof(Session));
        ArgumentNullException.ThrowIfNull(ImageLimits, nameof(ImageLimits));
        Session.Validate();
        if (Parallelism < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Parallelism), Parallelism, "Must be 0 (every core) or positive.");
        }
        if (!Enum.IsDefined(Interpolation))
        {
            throw new ArgumentOutOfRangeException(nameof(Interpolation), Interpolation, "Unknown interpolation.");
        }
        ImageLimits.Validate();
    }
}
