using System.Runtime.ExceptionServices;

namespace MultiModal.Eval;

/// <summary><see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/> over blocks, rethrowing a worker's exception as itself.</summary>
internal static class ParallelBlocks
{
    /// <summary>
    /// Runs <paramref name="body"/> for blocks 0..<paramref name="count"/>-1 with per-worker state, merged by
    /// <paramref name="merge"/> (called under a lock). Callers keep results order-independent (integer sums, or writes
    /// to disjoint slots), so the outcome does not depend on scheduling.
    /// </summary>
    public static void Run<TLocal>(int count, CancellationToken cancellationToken, Func<TLocal> init, Action<int, TLocal> body, Action<TLocal> merge)
    {
        var gate = new object();
        try
        {
            Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, init, (block, _, local) =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                body(block, local);
                return local;
            }, local =>
            {
                lock (gate)
                {
                    merge(local);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            var first = e.InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException) ?? e.InnerExceptions[0];
            ExceptionDispatchInfo.Throw(first);
        }
    }
}
