namespace MultiModal.Eval;

/// <summary>
/// An <see cref="IProgress{T}"/> that forwards on the reporting thread (<see cref="Progress{T}"/> posts to a captured
/// context, so reports can arrive late and out of order).
/// </summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
