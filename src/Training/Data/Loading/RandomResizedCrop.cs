using MultiModal.Encoders.Imaging;

namespace MultiModal.Training.Data;

/// <summary>
/// The crop sampler of torchvision 0.14's <c>RandomResizedCrop.get_params</c>: up to 10 attempts at a box of random
/// area and log-uniform aspect ratio that fits the image, placed uniformly; otherwise a centre crop clamped to the
/// ratio range. The box is then cropped and resized by <see cref="ImagePreprocessor.PreprocessResizedCrop"/>.
/// </summary>
/// <remarks>
/// <para>The draws come from an <see cref="IRandomSource"/>, not from torch's generator, so the boxes are not those
/// torch would pick for the same seed; given the same draws they are the same. A raw draw u in [0, 1) becomes
/// <c>uniform_(a, b)</c> = <c>u * (b - a) + a</c> in float32 (ATen's <c>uniform_real_distribution&lt;float&gt;</c>) and
/// <c>randint(low, high)</c> = <c>low + floor(u * (high - low))</c>. tests/fixtures/augment/generate.py runs
/// torchvision's own <c>get_params</c> on scripted draws with these definitions.</para>
/// <para>Immutable and thread-safe; the random source is per call.</para>
/// </remarks>
public sealed class RandomResizedCrop
{
    /// <summary>torchvision's fixed number of attempts before the centre-crop fallback.</summary>
    public const int Attempts = 10;

    private readonly float logRatioMin;
    private readonly float logRatioMax;

    private RandomResizedCrop(RandomResizedCropOptions options)
    {
        Options = options;
        // log_ratio = torch.log(torch.tensor(ratio)): float32.
        logRatioMin = MathF.Log((float)options.RatioMin);
        logRatioMax = MathF.Log((float)options.RatioMax);
    }

    /// <summary>The validated ranges.</summary>
    public RandomResizedCropOptions Options { get; }

    /// <summary>Creates a sampler after validating <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid (the parameter name is the field).</exception>
    public static RandomResizedCrop Create(RandomResizedCropOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new RandomResizedCrop(options);
    }

    /// <summary>Samples a crop box of a <paramref name="width"/> x <paramref name="height"/> image.</summary>
    /// <param name="width">Image width, at least 1.</param>
    /// <param name="height">Image height, at least 1.</param>
    /// <param name="random">The draws: two per attempt, two more for the position when an attempt fits.</param>
    /// <returns>A box inside the image.</returns>
    public CropBox Sample(int width, int height, IRandomSource random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(random);
        double area = (double)height * width;
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            double targetArea = area * Uniform(random, (float)Options.ScaleMin, (float)Options.ScaleMax);
            double aspectRatio = MathF.Exp(Uniform(random, logRatioMin, logRatioMax));
            // int(round(...)): Python rounds half to even.
            double wd = Math.Round(Math.Sqrt(targetArea * aspectRatio), MidpointRounding.ToEven);
            double hd = Math.Round(Math.Sqrt(targetArea / aspectRatio), MidpointRounding.ToEven);
            if (wd > 0 && wd <= width && hd > 0 && hd <= height)
            {
                int w = (int)wd, h = (int)hd;
                int i = RandInt(random, 0, height - h + 1);
                int j = RandInt(random, 0, width - w + 1);
                return new CropBox(j, i, w, h);
            }
        }
        return Fallback(width, height);
    }

    /// <summary>torchvision's fallback: the largest centred box whose ratio is clamped to [RatioMin, RatioMax].</summary>
    private CropBox Fallback(int width, int height)
    {
        double inRatio = (double)width / height;
        int w, h;
        if (inRatio < Options.RatioMin)
        {
            w = width;
            h = (int)Math.Round(w / Options.RatioMin, MidpointRounding.ToEven);
        }
        else if (inRatio > Options.RatioMax)
        {
            h = height;
            w = (int)Math.Round(h * Options.RatioMax, MidpointRounding.ToEven);
        }
        else
        {
            w = width;
            h = height;
        }
        // Rounding can overshoot by one pixel on tiny images; keep the box inside (torchvision would pad via crop).
        w = Math.Clamp(w, 1, width);
        h = Math.Clamp(h, 1, height);
        return new CropBox((width - w) / 2, (height - h) / 2, w, h);
    }

    /// <summary><c>torch.empty(1).uniform_(a, b)</c>: float32 arithmetic.</summary>
    private static float Uniform(IRandomSource random, float a, float b)
    {
        float u = random.NextSingle();
        return u * (b - a) + a;
    }

    /// <summary><c>torch.randint(low, high)</c>: low + floor(u * (high - low)).</summary>
    private static int RandInt(IRandomSource random, int low, int high) =>
        low + (int)Math.Floor((double)random.NextSingle() * (high - low));
}
