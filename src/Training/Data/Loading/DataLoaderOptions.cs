namespace MultiModal.Training.Data;

/// <summary>Batching, shuffling and parallelism of a <see cref="DataLoader"/>.</summary>
public sealed record DataLoaderOptions
{
    /// <summary>Samples per batch (B). Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Shuffle each epoch (order depends only on <see cref="Seed"/> and the epoch). Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the epoch orders, caption choices and augmentations. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Drop the last incomplete batch of each epoch (as OpenCLIP does for training). Default false.</summary>
    public bool DropLast { get; init; }

    /// <summary>Worker threads decoding and preprocessing batches. Default 2.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>
    /// Batches that may be built ahead of the consumer (finished or in progress), bounding memory. Default 4. Workers
    /// beyond this number idle, so keep it at least <see cref="Workers"/>.
    /// </summary>
    public int PrefetchBatches { get; init; } = 4;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be positive.");
        }
        if (Workers is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "Workers must be in [1, 256].");
        }
        if (PrefetchBatches is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(PrefetchBatches), PrefetchBatches, "PrefetchBatches must be in [1, 1024].");
        }
    }
}
