namespace MultiModal.Training.Features;

/// <summary>Cached frozen-tower features of a dataset: one image row per sample and one text row per caption.</summary>
/// <param name="ImageDim">Image feature width.</param>
/// <param name="TextDim">Text feature width.</param>
/// <param name="Image">Row-major [N, ImageDim].</param>
/// <param name="Text">Row-major [M, TextDim], captions of sample i at rows CaptionStart[i] .. CaptionStart[i+1]-1.</param>
/// <param name="CaptionStart">N + 1 offsets into the text rows.</param>
/// <param name="SampleIndex">The dataset index of each of the N rows (held-out classes are skipped).</param>
internal sealed record FeatureTable(int ImageDim, int TextDim, float[] Image, float[] Text, int[] CaptionStart, int[] SampleIndex)
{
    public int Count => SampleIndex.Length;
}
