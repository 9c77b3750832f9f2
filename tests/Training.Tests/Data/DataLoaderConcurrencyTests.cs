using System.Diagnostics;
using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Data;

public sealed class DataLoaderConcurrencyTests
{
    [Fact]
    public void ReadEpoch_SlowConsumer_PrefetchBoundsBatchesBuiltAhead()
    {
        // Arrange
        var counting = new CountingTransform(LoaderTestData.EvalTransform);
        var loader = LoaderTestData.Loader(LoaderTestData.Dataset(100), new DataLoaderOptions { BatchSize = 5, Workers = 2, PrefetchBatches = 3 }, counting);

        // Act: take one batch, then stall long enough for the workers to fill the prefetch window.
        using IEnumerator<TrainingBatch> batches = loader.ReadEpoch(0).GetEnumerator();
        Assert.True(batches.MoveNext());
        bool filled = SpinWait.SpinUntil(() => counting.Calls >= (1 + 3) * 5, TimeSpan.FromSeconds(10));
        Thread.Sleep(200); // room for any over-production to show

        // Assert: the batch taken plus exactly 3 ahead, no more.
        Assert.True(filled, $"only {counting.Calls} samples processed");
        Assert.Equal((1 + 3) * 5, counting.Calls);
    }

    [Fact]
    public void ReadEpoch_ConsumerLeavesEarly_WorkersStop()
    {
        // Arrange
        var counting = new CountingTransform(LoaderTestData.EvalTransform, delayMs: 2);
        var loader = LoaderTestData.Loader(LoaderTestData.Dataset(200), new DataLoaderOptions { BatchSize = 4, Workers = 2, PrefetchBatches = 2 }, counting);

        // Act
        foreach (TrainingBatch _ in loader.ReadEpoch(0))
        {
            break; // disposing the enumerator cancels and joins the workers
        }
        int afterBreak = counting.Calls;
        Thread.Sleep(100);

        // Assert
        Assert.Equal(afterBreak, counting.Calls);
        Assert.True(afterBreak < 200, $"{afterBreak} samples processed");
    }

    [Fact]
    public void ReadEpoch_Cancelled_ThrowsPromptlyAndWorkersStop()
    {
        // Arrange: 20 ms per sample, 8-sample batches: a whole epoch would take seconds.
        var counting = new CountingTransform(LoaderTestData.EvalTransform, delayMs: 20);
        var loader = LoaderTestData.Loader(LoaderTestData.Dataset(200), new DataLoaderOptions { BatchSize = 8, Workers = 2 }, counting);
        using var cts = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();

        // Act
        var ex = Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (TrainingBatch _ in loader.ReadEpoch(0, cancellationToken: cts.Token))
            {
                cts.Cancel();
            }
        });
        clock.Stop();
        int afterCancel = counting.Calls;
        Thread.Sleep(100);

        // Assert: stopped within a few samples' time, and no worker kept going.
        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.True(clock.ElapsedMilliseconds < 3000, $"took {clock.ElapsedMilliseconds} ms");
        Assert.Equal(afterCancel, counting.Calls);
        Assert.True(afterCancel < 100, $"{afterCancel} samples processed");
    }

    [Fact]
    public void ReadEpoch_CancelledWhileWaitingForFirstBatch_Throws()
    {
        var counting = new CountingTransform(LoaderTestData.EvalTransform, delayMs: 50);
        var loader = LoaderTestData.Loader(LoaderTestData.Dataset(40), new DataLoaderOptions { BatchSize = 20, Workers = 1 }, counting);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        Assert.ThrowsAny<OperationCanceledException>(() => loader.ReadEpoch(0, cancellationToken: cts.Token).ToArray());

        Assert.True(counting.Calls < 20, $"{counting.Calls} samples processed");
    }

    [Fact]
    public void WaitTime_SlowWorkers_AccumulatesConsumerWaiting()
    {
        // Arrange: 4 batches of 5 samples at 10 ms each on one worker: about 200 ms of production.
        var counting = new CountingTransform(LoaderTestData.EvalTransform, delayMs: 10);
        var loader = LoaderTestData.Loader(LoaderTestData.Dataset(20), new DataLoaderOptions { BatchSize = 5, Workers = 1 }, counting);

        // Act
        int batches = loader.ReadEpoch(0).Count();

        // Assert: a consumer that does nothing waits for nearly all of it.
        Assert.Equal(4, batches);
        Assert.InRange(loader.WaitTime.TotalMilliseconds, 150, 10_000);
    }
}
