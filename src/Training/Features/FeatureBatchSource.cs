namespace MultiModal.Training.Features;

/// <summary>
/// Batches of cached features: each epoch a seeded shuffle of the samples (the last partial batch dropped) and, per
/// sample, one of its captions drawn from the (seed, epoch) stream. Pure function of (seed, epoch, batch), so
/// resuming at any batch index reproduces the uninterrupted order. No augmentation: the features are fixed.
/// </summary>
internal sealed class FeatureBatchSource(FeatureTable table, int batchSize, long seed) : IBatchSource<FeatureBatch>
{
    public int BatchesPerEpoch => table.Count / batchSize;

    public IEnumerable<FeatureBatch> Read(int epoch, int startBatch, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(startBatch);
        var order = Enumerable.Range(0, table.Count).ToArray();
        var shuffle = SplitMix64.For(seed, epoch, stream: 0);
        for (var i = order.Length - 1; i > 0; i--)
        {
            var k = shuffle.NextInt(i + 1);
            (order[i], order[k]) = (order[k], order[i]);
        }
        var captions = SplitMix64.For(seed, epoch, stream: 1);
        var choice = new int[table.Count];
        for (var i = 0; i < choice.Length; i++)
        {
            choice[i] = table.CaptionStart[i] + captions.NextInt(table.CaptionStart[i + 1] - table.CaptionStart[i]);
        }
        for (var b = startBatch; b < BatchesPerEpoch; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var image = new float[batchSize * table.ImageDim];
            var text = new float[batchSize * table.TextDim];
            var samples = new int[batchSize];
            for (var j = 0; j < batchSize; j++)
            {
                var row = order[(b * batchSize) + j];
                Array.Copy(table.Image, (long)row * table.ImageDim, image, (long)j * table.ImageDim, table.ImageDim);
                Array.Copy(table.Text, (long)choice[row] * table.TextDim, text, (long)j * table.TextDim, table.TextDim);
                samples[j] = table.SampleIndex[row];
            }
            yield return new FeatureBatch(batchSize, image, table.ImageDim, text, table.TextDim, samples);
        }
    }
}
