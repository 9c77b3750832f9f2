namespace MultiModal.Cli;

/// <summary>Entry point of the <c>mm</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line and returns the process exit code (see the README for the codes).</summary>
    public static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl-C asks long work to stop cleanly; a second one ends the process.
            if (!cancel.IsCancellationRequested)
            {
                e.Cancel = true;
                cancel.Cancel();
            }
        };
        var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
        try
        {
            return CliApp.Run(args, stdout, Console.Error, cancel.Token);
        }
        finally
        {
            stdout.Flush();
        }
    }
}
