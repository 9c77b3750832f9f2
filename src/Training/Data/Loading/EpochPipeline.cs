using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace MultiModal.Training.Data;

/// <summary>
/// Worker threads building the batches [start, end) of one epoch, at most <see cref="DataLoaderOptions.PrefetchBatches"/>
/// ahead of the consumer, handed out strictly in order. Disposing cancels the workers and joins them.
/// </summary>
internal sealed class EpochPipeline : IDisposable
{
    private readonly BatchBuilder builder;
    private readonly int end;
    private readonly int prefetch;
    private readonly Action<long> addWaitTicks;
    private readonly CancellationToken callerToken;
    private readonly CancellationTokenSource cancellation;
    private readonly CancellationTokenRegistration wakeOnCancel;
    private readonly object gate = new();
    private readonly Dictionary<int, object> finished = []; // TrainingBatch or ExceptionDispatchInfo
    private readonly Thread[] workers;
    private int nextToBuild;
    private int nextToTake;

    public EpochPipeline(BatchBuilder builder, int start, int end, DataLoaderOptions options, Action<long> addWaitTicks, CancellationToken cancellationToken)
    {
        this.builder = builder;
        this.end = end;
        prefetch = options.PrefetchBatches;
        this.addWaitTicks = addWaitTicks;
        nextToBuild = nextToTake = start;
        callerToken = cancellationToken;
        cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wakeOnCancel = cancellation.Token.Register(() =>
        {
            lock (gate)
            {
                Monitor.PulseAll(gate);
            }
        });
        int count = Math.Max(1, Math.Min(options.Workers, end - start));
        workers = new Thread[count];
        for (int i = 0; i < count; i++)
        {
            workers[i] = new Thread(Work) { IsBackground = true, Name = $"DataLoader worker {i}" };
            workers[i].Start();
        }
    }

    /// <summary>Batch <paramref name="batch"/> (the next in order), waiting for a worker if needed; the wait is measured.</summary>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public TrainingBatch Take(int batch)
    {
        long started = Stopwatch.GetTimestamp();
        object result;
        lock (gate)
        {
            while (!finished.Remove(batch, out result!))
            {
                callerToken.ThrowIfCancellationRequested(); // the caller's token, so callers can tell their cancellation
                cancellation.Token.ThrowIfCancellationRequested();
                Monitor.Wait(gate);
            }
            nextToTake = batch + 1;
            Monitor.PulseAll(gate); // a prefetch slot is free
        }
        addWaitTicks(Stopwatch.GetTimestamp() - started);
        if (result is ExceptionDispatchInfo failure)
        {
            failure.Throw();
        }
        return (TrainingBatch)result;
    }

    public void Dispose()
    {
        cancellation.Cancel();
        foreach (Thread worker in workers)
        {
            worker.Join();
        }
        wakeOnCancel.Dispose();
        cancellation.Dispose();
    }

    private void Work()
    {
        CancellationToken token = cancellation.Token;
        while (true)
        {
            int batch;
            lock (gate)
            {
                while (!token.IsCancellationRequested && nextToBuild < end && nextToBuild >= nextToTake + prefetch)
                {
                    Monitor.Wait(gate);
                }
                if (token.IsCancellationRequested || nextToBuild >= end)
                {
                    return;
                }
                batch = nextToBuild++;
            }
            object result;
            try
            {
                result = builder.Build(batch, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Not bad data but a bug or a configuration error: the consumer rethrows it when it reaches this batch.
                result = ExceptionDispatchInfo.Capture(ex);
            }
            lock (gate)
            {
                finished[batch] = result;
                Monitor.PulseAll(gate);
            }
        }
    }
}
