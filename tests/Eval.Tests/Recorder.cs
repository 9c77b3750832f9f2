namespace MultiModal.Eval.Tests;

/// <summary>Records progress reports synchronously, in the order they are made.</summary>
internal sealed class Recorder<T>(List<T> reports) : IProgress<T>
{
    public void Report(T value)
    {
        lock (reports)
        {
            reports.Add(value);
        }
    }
}
