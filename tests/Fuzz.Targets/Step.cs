namespace MultiModal.Fuzz;

/// <summary>Progress notes on stderr when MULTIMODAL_FUZZ_TRACE=1, to tell where a native crash happened.</summary>
internal static class Step
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("MULTIMODAL_FUZZ_TRACE") == "1";

    public static void Trace(string what)
    {
        if (Enabled)
        {
            Console.Error.WriteLine(what);
            Console.Error.Flush();
        }
    }
}
