namespace MultiModal.Training.Features;

/// <summary>One batch of cached frozen-tower features: image i pairs with caption i.</summary>
/// <param name="Count">Pairs in the batch (B).</param>
/// <param name="ImageFeatures">Row-major raw image features, B × <paramref name="ImageDim"/>.</param>
/// <param name="ImageDim">Image feature width.</param>
/// <param name="TextFeatures">Row-major raw text features, B × <paramref name="TextDim"/>.</param>
/// <param name="TextDim">Text feature width.</param>
/// <param name="SampleIndices">Dataset indices of the images, B entries.</param>
public sealed record FeatureBatch(int Count, float[] ImageFeatures, int ImageDim, float[] TextFeatures, int TextDim, int[] SampleIndices);
