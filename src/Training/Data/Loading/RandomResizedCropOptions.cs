namespace MultiModal.Training.Data;

/// <summary>
/// Ranges of torchvision's <c>RandomResizedCrop</c>: the crop's area as a fraction of the image, and its aspect ratio
/// (width / height), sampled log-uniformly.
/// </summary>
/// <remarks>Defaults are torchvision's (scale (0.08, 1), ratio (3/4, 4/3)); OpenCLIP trains with scale (0.9, 1).</remarks>
public sealed record RandomResizedCropOptions
{
    /// <summary>Smallest crop area as a fraction of the image area. Default 0.08.</summary>
    public double ScaleMin { get; init; } = 0.08;

    /// <summary>Largest crop area as a fraction of the image area. Default 1.</summary>
    public double ScaleMax { get; init; } = 1.0;

    /// <summary>Smallest aspect ratio (width / height). Default 3/4.</summary>
    public double RatioMin { get; init; } = 3.0 / 4.0;

    /// <summary>Largest aspect ratio (width / height). Default 4/3.</summary>
    public double RatioMax { get; init; } = 4.0 / 3.0;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (!double.IsFinite(ScaleMin) || ScaleMin <= 0 || ScaleMin > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ScaleMin), ScaleMin, "ScaleMin must be in (0, 1].");
        }
        if (!double.IsFinite(ScaleMax) || ScaleMax < ScaleMin || ScaleMax > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ScaleMax), ScaleMax, "ScaleMax must be in [ScaleMin, 1].");
        }
        if (!double.IsFinite(RatioMin) || RatioMin <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RatioMin), RatioMin, "RatioMin must be positive and finite.");
        }
        if (!double.IsFinite(RatioMax) || RatioMax < RatioMin)
        {
            throw new ArgumentOutOfRangeException(nameof(RatioMax), RatioMax, "RatioMax must be finite and at least RatioMin.");
        }
    }
}
