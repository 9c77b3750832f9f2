using System.Diagnostics;

namespace MultiModal.Training.Data;

/// <summary>
/// Turns an <see cref="IImageTextDataset"/> into <see cref="TrainingBatch"/>es: seeded shuffling (epoch e's order
/// depends only on the seed and e), batching with optional drop-last, one caption per image per epoch chosen by the
/// seeded generator, decoding + preprocessing + augmentation + tokenisation on worker threads with bounded prefetch.
/// </summary>
/// <remarks>
/// <para><b>Resuming</b>: batch b of epoch e holds positions [b·B, (b+1)·B) of the epoch order, so
/// <see cref="ReadEpoch"/>(e, b) yields exactly the batches an uninterrupted run yields from b on.</para>
/// <para><b>Bad samples</b>: a sample whose image cannot be read or decoded (or whose caption is too long for a
/// non-truncating tokenizer) is skipped, counted in <see cref="SkippedSamples"/> and reported through the progress
/// sink; its slot is refilled deterministically from the samples following the batch in epoch order (wrapping), so a
/// refill sample also appears in its own batch. Only when every candidate fails is the epoch stopped, with
/// <see cref="InvalidDataException"/>. Other exceptions (bugs, a caption-less sample with a text transform) propagate.</para>
/// <para><b>Waiting</b>: <see cref="WaitTime"/> accumulates the time the consumer spent blocked for a batch, so a trainer
/// can report the fraction of its step time spent waiting for data.</para>
/// <para>Thread-safe for reading statistics; one consumer per <see cref="ReadEpoch"/> enumeration.</para>
/// </remarks>
public sealed class DataLoader
{
    private const long OrderStream = 10;

    private long skipped;
    private long waitTicks;
    private long delivered;

    private DataLoader(IImageTextDataset dataset, IImageTransform imageTransform, ITextTransform? textTransform, DataLoaderOptions options)
    {
        Dataset = dataset;
        ImageTransform = imageTransform;
        TextTransform = textTransform;
        Options = options;
        ImageShape = imageTransform.OutputShape.ToArray();
        long length = 1;
        foreach (int d in ImageShape)
        {
            length *= d;
        }
        ImageLength = checked((int)length);
        int full = dataset.Count / options.BatchSize;
        BatchesPerEpoch = options.DropLast || dataset.Count % options.BatchSize == 0 ? full : full + 1;
    }

    /// <summary>The dataset read.</summary>
    public IImageTextDataset Dataset { get; }

    /// <summary>Decodes and preprocesses images.</summary>
    public IImageTransform ImageTransform { get; }

    /// <summary>Tokenises captions, or null for image-only batches (empty <see cref="TrainingBatch.TokenIds"/>, L = 0).</summary>
    public ITextTransform? TextTransform { get; }

    /// <summary>The validated options.</summary>
    public DataLoaderOptions Options { get; }

    /// <summary>Batches in each epoch: ⌊N / B⌋ with drop-last, else ⌈N / B⌉.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>Samples skipped so far, over all epochs (each failed attempt counts once, including batches prefetched but not yet taken).</summary>
    public long SkippedSamples => Interlocked.Read(ref skipped);

    /// <summary>Total time consumers spent blocked waiting for a batch.</summary>
    public TimeSpan WaitTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref waitTicks));

    /// <summary>Batches handed to consumers so far.</summary>
    public long BatchesDelivered => Interlocked.Read(ref delivered);

    internal int[] ImageShape { get; }

    internal int ImageLength { get; }

    /// <summary>Creates a loader.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="imageTransform">E.g. <see cref="ClipImageTransform"/> with augmentation for training.</param>
    /// <param name="textTransform">E.g. <see cref="ClipTextTransform"/>; null for image-only batches.</param>
    /// <param name="options">Batching, seed, workers.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid (the parameter name is the field).</exception>
    /// <exception cref="ArgumentException">The dataset is empty.</exception>
    public static DataLoader Create(IImageTextDataset dataset, IImageTransform imageTransform, ITextTransform? textTransform, DataLoaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(imageTransform);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (dataset.Count == 0)
        {
            throw new ArgumentException($"Dataset {dataset.Name} is empty.", nameof(dataset));
        }
        return new DataLoader(dataset, imageTransform, textTransform, options);
    }

    /// <summary>The dataset indices in the order epoch <paramref name="epoch"/> reads them.</summary>
    public int[] EpochOrder(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        int[] order = Enumerable.Range(0, Dataset.Count).ToArray();
        if (Options.Shuffle)
        {
            new SeededRandom(SeededRandom.DeriveSeed((ulong)Options.Seed, epoch, 0, OrderStream)).Shuffle(order.AsSpan());
        }
        return order;
    }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> from <paramref name="startBatch"/> on, built ahead on worker threads.
    /// Disposing the enumerator (e.g. leaving a foreach early) stops and joins the workers.
    /// </summary>
    /// <param name="epoch">Epoch number (≥ 0); it keys the order, captions and augmentations.</param>
    /// <param name="startBatch">First batch to yield, to resume a run (0 ≤ startBatch ≤ <see cref="BatchesPerEpoch"/>).</param>
    /// <param name="progress">Receives one report per skipped sample, from worker threads.</param>
    /// <param name="cancellationToken">Stops the workers promptly (between samples) and throws on the consumer.</param>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="InvalidDataException">A batch cannot be filled because every candidate sample failed.</exception>
    public IEnumerable<TrainingBatch> ReadEpoch(int epoch, int startBatch = 0, IProgress<SkippedSample>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(startBatch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(startBatch, BatchesPerEpoch);
        return Read(epoch, startBatch, progress, cancellationToken);
    }

    internal long CountSkip() => Interlocked.Increment(ref skipped);

    private IEnumerable<TrainingBatch> Read(int epoch, int startBatch, IProgress<SkippedSample>? progress, CancellationToken cancellationToken)
    {
        if (startBatch == BatchesPerEpoch)
        {
            yield break;
        }
        var builder = new BatchBuilder(this, epoch, EpochOrder(epoch), progress);
        using var pipeline = new EpochPipeline(builder, startBatch, BatchesPerEpoch, Options,
            ticks => Interlocked.Add(ref waitTicks, ticks), cancellationToken);
        for (int b = startBatch; b < BatchesPerEpoch; b++)
        {
            TrainingBatch batch = pipeline.Take(b);
            Interlocked.Increment(ref delivered);
            yield return batch;
        }
    }
}
