using MultiModal.Encoders.Imaging;
using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Data;

/// <summary>Small in-memory datasets and transforms for loader tests.</summary>
internal static class LoaderTestData
{
    public const int Side = 8;

    /// <summary>
    /// n samples; sample i is an 8x8 grey PNG of constant value i (so the eval transform's output identifies it), with
    /// captions "caption i.k" for k below 1 + i % 3, and label i % 5. Indices in <paramref name="corrupt"/> hold garbage
    /// bytes (even) or name a missing file (odd).
    /// </summary>
    public static ListDataset Dataset(int n, params int[] corrupt)
    {
        var bad = corrupt.ToHashSet();
        var samples = new ImageTextSample[n];
        for (int i = 0; i < n; i++)
        {
            ImageRef image = !bad.Contains(i)
                ? ImageRef.FromPixels($"toy#{i}", Side, Side, 1, Enumerable.Repeat((byte)i, Side * Side).ToArray())
                : i % 2 == 0
                    ? ImageRef.FromEncoded($"toy#{i}", new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 })
                    : ImageRef.FromFile($"/nonexistent/toy-{i}.png");
            string[] captions = Enumerable.Range(0, 1 + i % 3).Select(k => $"caption {i}.{k}").ToArray();
            samples[i] = new ImageTextSample(image, captions, i % 5);
        }
        return new ListDataset("toy", ["a", "b", "c", "d", "e"], samples);
    }

    public static ImagePreprocessor Preprocessor { get; } = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = Side });

    public static ClipImageTransform EvalTransform { get; } = ClipImageTransform.Create(Preprocessor, null);

    /// <summary>The sample index encoded in slot <paramref name="slot"/>'s pixels (inverse of the eval transform's first float).</summary>
    public static int PixelValue(TrainingBatch batch, int slot)
    {
        float v = batch.Pixels[slot * 3 * Side * Side];
        float mean = ImagePreprocessOptions.OpenAIMean[0], std = ImagePreprocessOptions.OpenAIStd[0];
        return (int)Math.Round((v * std + mean) * 255);
    }

    public static DataLoader Loader(IImageTextDataset dataset, DataLoaderOptions options, IImageTransform? image = null, ITextTransform? text = null) =>
        DataLoader.Create(dataset, image ?? EvalTransform, text ?? new CharTextTransform(), options);
}

/// <summary>A BERT-like stand-in: ids are UTF-16 code units, mask 1 over them, both padded to 24.</summary>
internal sealed class CharTextTransform : ITextTransform
{
    public int ContextLength => 24;

    public bool ProducesAttentionMask => true;

    public static string Decode(ReadOnlySpan<long> ids) => new(ids.ToArray().TakeWhile(id => id != 0).Select(id => (char)id).ToArray());

    public void Encode(string text, Span<long> ids, Span<long> attentionMask)
    {
        ids.Clear();
        attentionMask.Clear();
        for (int i = 0; i < Math.Min(text.Length, ContextLength); i++)
        {
            ids[i] = text[i];
            attentionMask[i] = 1;
        }
    }
}

/// <summary>Wraps a transform, counting calls and optionally sleeping in each (a slow disk).</summary>
internal sealed class CountingTransform(IImageTransform inner, int delayMs = 0) : IImageTransform
{
    private int calls;

    public int Calls => Volatile.Read(ref calls);

    public IReadOnlyList<int> OutputShape => inner.OutputShape;

    public void Apply(ImageRef image, ulong seed, Span<float> destination)
    {
        Interlocked.Increment(ref calls);
        if (delayMs > 0)
        {
            Thread.Sleep(delayMs);
        }
        inner.Apply(image, seed, destination);
    }
}

/// <summary>A transform with a bug: it throws a non-data exception for one image.</summary>
internal sealed class BuggyTransform(IImageTransform inner, string badName) : IImageTransform
{
    public IReadOnlyList<int> OutputShape => inner.OutputShape;

    public void Apply(ImageRef image, ulong seed, Span<float> destination)
    {
        if (image.Name == badName)
        {
            throw new InvalidOperationException("bug in transform");
        }
        inner.Apply(image, seed, destination);
    }
}

/// <summary>Collects progress reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
internal sealed class ReportSink<T> : IProgress<T>
{
    private readonly List<T> items = [];

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (items)
            {
                return items.ToArray();
            }
        }
    }

    public void Report(T value)
    {
        lock (items)
        {
            items.Add(value);
        }
    }
}
