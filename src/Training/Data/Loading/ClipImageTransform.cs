using MultiModal.Encoders.Imaging;

namespace MultiModal.Training.Data;

/// <summary>
/// The default image transform: the CLIP <see cref="ImagePreprocessor"/> (PIL-exact decode and bicubic resample, ToTensor,
/// Normalize), with training augmentation — <c>RandomResizedCrop</c> + <c>RandomHorizontalFlip</c> — or without it
/// for evaluation (resize + centre crop).
/// </summary>
/// <remarks>
/// Each sample's draws come from two streams derived from the per-sample seed (one for the crop, one for the flip), so
/// a sample's augmentation depends only on (loader seed, epoch, sample index), never on thread timing.
/// Thread-safe: the preprocessor and crop sampler are immutable.
/// </remarks>
public sealed class ClipImageTransform : IImageTransform
{
    private const long CropStream = 1;
    private const long FlipStream = 2;

    private readonly ImagePreprocessor preprocessor;
    private readonly RandomResizedCrop? crop;
    private readonly int[] shape;

    private ClipImageTransform(ImagePreprocessor preprocessor, ImageAugmentationOptions? augmentation)
    {
        this.preprocessor = preprocessor;
        Augmentation = augmentation;
        crop = augmentation is null ? null : RandomResizedCrop.Create(augmentation.Crop);
        shape = [3, preprocessor.ImageSize, preprocessor.ImageSize];
    }

    /// <summary>The augmentation applied, or null for the evaluation transform.</summary>
    public ImageAugmentationOptions? Augmentation { get; }

    /// <inheritdoc/>
    public IReadOnlyList<int> OutputShape => shape;

    /// <summary>Creates the transform.</summary>
    /// <param name="preprocessor">The model's preprocessor (size, mean, std, interpolation).</param>
    /// <param name="augmentation">Training augmentation; null for evaluation (no randomness).</param>
    /// <exception cref="ArgumentOutOfRangeException">An augmentation option is invalid.</exception>
    public static ClipImageTransform Create(ImagePreprocessor preprocessor, ImageAugmentationOptions? augmentation)
    {
        ArgumentNullException.ThrowIfNull(preprocessor);
        augmentation?.Validate();
        return new ClipImageTransform(preprocessor, augmentation);
    }

    /// <inheritdoc/>
    public void Apply(ImageRef image, ulong seed, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        using Stream stream = image.Open();
        if (crop is null)
        {
            preprocessor.Preprocess(stream, image.Name, destination);
            return;
        }
        // torchvision: RandomHorizontalFlip draws torch.rand(1) < p.
        bool flip = new SeededRandom(SeededRandom.DeriveSeed(seed, FlipStream)).NextSingle() < Augmentation!.FlipProbability;
        var random = new SeededRandom(SeededRandom.DeriveSeed(seed, CropStream));
        preprocessor.PreprocessResizedCrop(stream, image.Name, (w, h) => crop.Sample(w, h, random), flip, destination);
    }
}
