using MultiModal.Training.Data;

namespace MultiModal.Eval.Tests;

/// <summary>A dataset over a fixed list of samples.</summary>
internal sealed class ListDataset(string name, IReadOnlyList<ImageTextSample> samples, IReadOnlyList<string>? classNames = null) : IImageTextDataset
{
    public string Name => name;

    public int Count => samples.Count;

    public IReadOnlyList<string>? ClassNames => classNames;

    public ImageTextSample this[int index] => samples[index];
}
