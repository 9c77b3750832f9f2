using MultiModal.Training.Data;

namespace MultiModal.Cli.Commands;

/// <summary>Turns <c>--dataset SPEC</c> into a dataset (<see cref="DatasetSpec"/>'s grammar).</summary>
internal static class EvalDatasets
{
    /// <summary>The resolver <c>mm eval</c> uses; tests swap in in-memory datasets (internal seam, one test collection).</summary>
    internal static Func<string, IImageTextDataset> Resolve { get; set; } = Open;

    /// <summary><see cref="DatasetSpec.Open(string)"/>, with a malformed spec reported as a usage error.</summary>
    internal static IImageTextDataset Open(string spec)
    {
        DatasetSpec parsed;
        try
        {
            parsed = DatasetSpec.Parse(spec);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--dataset: {e.Message}");
        }
        return parsed.Open();
    }
}
