using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Helpers;

/// <summary>
/// A seeded, resumable image-text batch source for tiny CLIP tests: batch b of epoch e is a pure function of
/// (seed, e, b): pixels from a seeded normal draw, token rows [start, a few ids, end] with the end id the row maximum.
/// </summary>
internal sealed class InMemoryClipBatches(int batchesPerEpoch, int batchSize, int imageSize, int contextLength, int vocab, int seed, bool poison = false)
    : IBatchSource<TrainingBatch>
{
    public int BatchesPerEpoch => batchesPerEpoch;

    public List<(int Epoch, int Batch)> Served { get; } = [];

    public IEnumerable<TrainingBatch> Read(int epoch, int startBatch, CancellationToken cancellationToken)
    {
        for (var b = startBatch; b < batchesPerEpoch; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Served.Add((epoch, b));
            var random = new Random(HashCode.Combine(seed, epoch, b) & 0x7fffffff);
            var pixels = new float[batchSize * 3 * imageSize * imageSize];
            for (var i = 0; i < pixels.Length; i++)
            {
                pixels[i] = poison ? float.NaN : (float)((random.NextDouble() * 2) - 1);
            }
            var tokens = new long[batchSize * contextLength];
            for (var r = 0; r < batchSize; r++)
            {
                tokens[r * contextLength] = vocab - 2;                      // start
                for (var t = 1; t < contextLength - 2; t++)
                {
                    tokens[(r * contextLength) + t] = 1 + random.Next(vocab - 3);
                }
                tokens[(r * contextLength) + contextLength - 2] = vocab - 1; // end: the largest id, where CLIP pools
            }
            var indices = Enumerable.Range((b * batchSize) + (epoch * 1000), batchSize).ToArray();
            yield return new TrainingBatch(batchSize, pixels, [3, imageSize, imageSize], tokens, null, contextLength, new int[batchSize], indices);
        }
    }
}
