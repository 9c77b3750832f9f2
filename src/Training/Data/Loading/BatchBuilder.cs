using MultiModal.Encoders.Imaging;
using MultiModal.Encoders.Tokenization;

namespace MultiModal.Training.Data;

/// <summary>
/// Builds batch b of an epoch: slots take positions [b * B, b * B + count) of the epoch order; a slot whose sample fails
/// is refilled, in slot order, from the positions after the batch (wrapping to the epoch's start), skipping failures.
/// The result depends only on (seed, epoch, b) and the data, so a resumed run sees the batches of an uninterrupted one.
/// </summary>
internal sealed class BatchBuilder(DataLoader loader, int epoch, int[] order, IProgress<SkippedSample>? progress)
{
    private const long CaptionStream = 11;
    private const long ImageStream = 12;

    public TrainingBatch Build(int batch, CancellationToken cancellationToken)
    {
        DataLoaderOptions options = loader.Options;
        int n = order.Length;
        int first = batch * options.BatchSize;
        int count = Math.Min(options.BatchSize, n - first);
        int perImage = loader.ImageLength;
        ITextTransform? text = loader.TextTransform;
        int context = text?.ContextLength ?? 0;
        var slots = new Slots(
            GC.AllocateUninitializedArray<float>(checked(count * perImage)),
            new long[checked(count * context)],
            text is { ProducesAttentionMask: true } ? new long[count * context] : null,
            new int[count],
            new int[count]);

        var failed = new List<int>();
        for (int s = 0; s < count; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!TryFill(order[first + s], s, batch, slots, perImage, context))
            {
                failed.Add(s);
            }
        }
        int candidate = first + count;
        int tried = 0;
        foreach (int s in failed)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (tried++ >= n)
                {
                    throw new InvalidDataException(
                        $"{loader.Dataset.Name}: epoch {epoch}, batch {batch}: cannot fill the batch, every replacement candidate failed ({loader.SkippedSamples} samples skipped so far)");
                }
                if (TryFill(order[candidate++ % n], s, batch, slots, perImage, context))
                {
                    break;
                }
            }
        }
        return new TrainingBatch(count, slots.Pixels, loader.ImageShape, slots.Ids, slots.Mask, context, slots.Labels, slots.Indices);
    }

    private bool TryFill(int index, int slot, int batch, Slots slots, int perImage, int context)
    {
        ImageTextSample sample = loader.Dataset[index];
        ulong seed = (ulong)loader.Options.Seed;
        ITextTransform? text = loader.TextTransform;
        string? caption = null;
        if (text is not null)
        {
            int captions = sample.Captions.Count;
            if (captions == 0)
            {
                throw new InvalidOperationException(
                    $"{loader.Dataset.Name}#{index} has no caption; wrap a classification set in {nameof(TemplateCaptionDataset)} or pass no text transform.");
            }
            // One caption per image per epoch, chosen by a stream keyed on (seed, epoch, sample).
            caption = sample.Captions[captions == 1 ? 0 : new SeededRandom(SeededRandom.DeriveSeed(seed, epoch, index, CaptionStream)).NextInt(captions)];
        }
        try
        {
            loader.ImageTransform.Apply(sample.Image, SeededRandom.DeriveSeed(seed, epoch, index, ImageStream), slots.Pixels.AsSpan(slot * perImage, perImage));
            if (text is not null)
            {
                Span<long> mask = slots.Mask is null ? [] : slots.Mask.AsSpan(slot * context, context);
                text.Encode(caption!, slots.Ids.AsSpan(slot * context, context), mask);
            }
        }
        catch (Exception ex) when (IsSampleFailure(ex))
        {
            long total = loader.CountSkip();
            progress?.Report(new SkippedSample(epoch, batch, index, sample.Image.Name, ex.Message, total));
            return false;
        }
        slots.Labels[slot] = sample.Label;
        slots.Indices[slot] = index;
        return true;
    }

    /// <summary>Bad data, not a bug: unreadable, corrupt, unsupported or oversized images, over-long captions.</summary>
    private static bool IsSampleFailure(Exception ex) =>
        ex is ImageDecodeException or IOException or UnauthorizedAccessException or TextTooLongException;

    private sealed record Slots(float[] Pixels, long[] Ids, long[]? Mask, int[] Labels, int[] Indices);
}
