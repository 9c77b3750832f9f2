namespace MultiModal.Training;

/// <summary>
/// Where the trainer's batches come from: a seeded, resumable sequence of epochs of batches (the image-text
/// loader for CLIP training, cached features for the projected dual encoder).
/// </summary>
/// <typeparam name="TBatch">The batch type.</typeparam>
/// <remarks>
/// Contract: for a fixed seed, <c>Read(e, b)</c> yields exactly the batches <c>b, b+1, ...</c> of epoch <c>e</c> that
/// <c>Read(e, 0)</c> yields from its b-th on, so a run resumed from a checkpoint's (epoch, batch index) sees the same
/// data as an uninterrupted one. The trainer measures the time it waits in <c>MoveNext</c> as data-wait time.
/// </remarks>
public interface IBatchSource<out TBatch>
{
    /// <summary>Batches in one epoch (the last partial batch, if any, is dropped).</summary>
    int BatchesPerEpoch { get; }

    /// <summary>The batches of <paramref name="epoch"/> from index <paramref name="startBatch"/> on.</summary>
    IEnumerable<TBatch> Read(int epoch, int startBatch, CancellationToken cancellationToken);
}
