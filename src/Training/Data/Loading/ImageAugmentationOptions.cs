namespace MultiModal.Training.Data;

/// <summary>
/// Training augmentation of <see cref="ClipImageTransform"/>: torchvision's <c>RandomResizedCrop</c> then
/// <c>RandomHorizontalFlip</c>, on the decoded image before ToTensor/Normalize.
/// </summary>
public sealed record ImageAugmentationOptions
{
    /// <summary>Crop ranges. Default torchvision's (scale (0.08, 1), ratio (3/4, 4/3)).</summary>
    public RandomResizedCropOptions Crop { get; init; } = new();

    /// <summary>Probability of mirroring left to right. Default 0.5; 0 disables the flip.</summary>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (Crop is null)
        {
            throw new ArgumentOutOfRangeException(nameof(Crop), Crop, "Crop must be set.");
        }
        Crop.Validate();
        if (!(FlipProbability >= 0 && FlipProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(FlipProbability), FlipProbability, "FlipProbability must be in [0, 1].");
        }
    }
}
