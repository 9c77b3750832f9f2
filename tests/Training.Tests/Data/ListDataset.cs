using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Data;

/// <summary>An in-memory dataset over given samples, for tests.</summary>
internal sealed class ListDataset(string name, IReadOnlyList<string>? classNames, IReadOnlyList<ImageTextSample> samples) : IImageTextDataset
{
    public string Name => name;

    public int Count => samples.Count;

    public IReadOnlyList<string>? ClassNames => classNames;

    public ImageTextSample this[int index] => samples[index];
}
