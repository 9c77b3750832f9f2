using MultiModal.Encoders;
using MultiModal.Training.Data;

namespace MultiModal.Eval;

/// <summary>Encodes a dataset's images and captions with progress and cancellation.</summary>
internal static class DatasetEncoding
{
    /// <summary>Captions per <see cref="ITextEncoder.EncodeTexts"/> call, so progress and cancellation come often enough.</summary>
    private const int TextChunk = 1024;

    /// <summary>Reads every sample once (datasets may build samples on access).</summary>
    public static ImageTextSample[] ReadSamples(IImageTextDataset dataset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var samples = new ImageTextSample[dataset.Count];
        for (var i = 0; i < samples.Length; i++)
        {
            if ((i & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            samples[i] = dataset[i] ?? throw new InvalidDataException($"{dataset.Name}: sample {i} is null.");
        }
        return samples;
    }

    /// <summary>
    /// Unit-length image embeddings in sample order. Images with a <see cref="ImageRef.FilePath"/> go through the
    /// encoder's path overload (decoded in parallel, the next batch while the current one runs); the others are opened
    /// as streams one batch at a time, so an in-memory dataset never holds more than a batch of open streams.
    /// </summary>
    public static float[][] EncodeImages(IImageEncoder encoder, IReadOnlyList<ImageTextSample> samples, int batchSize, IProgress<EvalProgress>? progress, CancellationToken cancellationToken)
    {
        var result = new float[samples.Count][];
        var fileIndices = new List<int>();
        var streamIndices = new List<int>();
        for (var i = 0; i < samples.Count; i++)
        {
            (samples[i].Image.FilePath is null ? streamIndices : fileIndices).Add(i);
        }
        int total = samples.Count;
        progress?.Report(new EvalProgress(EvalStage.Images, 0, total));
        if (fileIndices.Count > 0)
        {
            var paths = fileIndices.Select(i => samples[i].Image.FilePath!).ToArray();
            var fileProgress = progress is null ? null : new SyncProgress<int>(n => progress.Report(new EvalProgress(EvalStage.Images, n, total)));
            var embeddings = encoder.EncodeImages(paths, batchSize, normalize: true, fileProgress, cancellationToken);
            for (var j = 0; j < fileIndices.Count; j++)
            {
                result[fileIndices[j]] = embeddings[j];
            }
        }
        for (var start = 0; start < streamIndices.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, streamIndices.Count - start);
            var streams = new List<Stream>(count);
            var names = new string[count];
            try
            {
                for (var j = 0; j < count; j++)
                {
                    var image = samples[streamIndices[start + j]].Image;
                    names[j] = image.Name;
                    streams.Add(image.Open());
                }
                var embeddings = encoder.EncodeImages(streams, names, batchSize, normalize: true, cancellationToken);
                for (var j = 0; j < count; j++)
                {
                    result[streamIndices[start + j]] = embeddings[j];
                }
            }
            finally
            {
                foreach (var s in streams)
                {
                    s.Dispose();
                }
            }
            progress?.Report(new EvalProgress(EvalStage.Images, fileIndices.Count + start + count, total));
        }
        return result;
    }

    /// <summary>Unit-length text embeddings in input order; over-long captions are truncated by the encoder.</summary>
    public static float[][] EncodeTexts(ITextEncoder encoder, IReadOnlyList<string> texts, int batchSize, IProgress<EvalProgress>? progress, CancellationToken cancellationToken)
    {
        var result = new float[texts.Count][];
        var all = texts as string[] ?? texts.ToArray();
        progress?.Report(new EvalProgress(EvalStage.Texts, 0, texts.Count));
        for (var start = 0; start < texts.Count; start += TextChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(TextChunk, texts.Count - start);
            var chunk = new ArraySegment<string>(all, start, count);
            var embeddings = encoder.EncodeTexts(chunk, batchSize, normalize: true, cancellationToken);
            Array.Copy(embeddings, 0, result, start, count);
            progress?.Report(new EvalProgress(EvalStage.Texts, start + count, texts.Count));
        }
        return result;
    }
}
