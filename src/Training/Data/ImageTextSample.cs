namespace MultiModal.Training.Data;

/// <summary>One dataset item: an image, its captions (possibly none, for classification sets) and its class label.</summary>
/// <param name="Image">Where the image comes from.</param>
/// <param name="Captions">The true captions, in file order; empty for classification sets (see <see cref="IImageTextDataset.ClassNames"/>).</param>
/// <param name="Label">The class index into <see cref="IImageTextDataset.ClassNames"/>, or -1 for caption datasets.</param>
public sealed record ImageTextSample(ImageRef Image, IReadOnlyList<string> Captions, int Label = -1);
