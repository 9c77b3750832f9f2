using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Helpers;

/// <summary>In-memory "images": byte blobs whose values cluster by class, so the byte-statistics tower tells classes apart.</summary>
internal sealed class BytesImage(string name, byte[] bytes) : ImageRef
{
    public override string Name => name;

    public override Stream Open() => new MemoryStream(bytes, writable: false);
}

/// <summary>A classification-style dataset of <paramref name="count"/> byte images over the given classes (no captions: templates make them).</summary>
internal sealed class SyntheticClassDataset : IImageTextDataset
{
    private readonly ImageTextSample[] _samples;

    public SyntheticClassDataset(int count, IReadOnlyList<string> classes, int seed, string name = "synthetic", bool withCaptions = false)
    {
        ClassNames = classes;
        Name = name;
        var random = new Random(seed);
        _samples = new ImageTextSample[count];
        for (var i = 0; i < count; i++)
        {
            var label = i % classes.Count;
            var bytes = new byte[64];
            for (var j = 0; j < bytes.Length; j++)
            {
                // Class k's bytes centre on 32 + 48k with noise: distinct histograms per class.
                bytes[j] = (byte)Math.Clamp(32 + (48 * label) + random.Next(-20, 21), 0, 255);
            }
            IReadOnlyList<string> captions = withCaptions ? [$"a picture of {classes[label]} number {i}", $"{classes[label]}"] : [];
            _samples[i] = new ImageTextSample(new BytesImage($"{name}#{i}", bytes), captions, label);
        }
    }

    public string Name { get; }

    public int Count => _samples.Length;

    public IReadOnlyList<string>? ClassNames { get; }

    public ImageTextSample this[int index] => _samples[index];
}
