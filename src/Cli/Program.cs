namespace MultiModal.Cli;

/// <summary>Entry point of the <c>mm</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line and returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("mm: no commands yet");
        return args.Length == 0 ? 2 : 2;
    }
}
