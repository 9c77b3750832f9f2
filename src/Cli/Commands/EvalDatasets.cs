using MultiModal.Training.Data;

namespace MultiModal.Cli.Commands;

/// <summary>
/// How <c>mm eval</c> turns <c>--dataset SPEC</c> into a dataset: one replaceable hook, so the dataset-spec parser
/// (<c>DatasetSpec.Open</c>) plugs in with one line and tests can hand in an in-memory dataset.
/// </summary>
internal static class EvalDatasets
{
    /// <summary>
    /// The resolver. Throw <see cref="UsageException"/> for a malformed spec (exit 2) and I/O or data exceptions for a
    /// dataset that cannot be read (exit 1). A returned dataset that is <see cref="IDisposable"/> is disposed after the run.
    /// </summary>
    internal static Func<string, IImageTextDataset> Resolve { get; set; } = NotAvailable;

    /// <summary>The default until dataset specs are merged: a clear usage error.</summary>
    internal static IImageTextDataset NotAvailable(string spec) =>
        throw new UsageException($"--dataset '{spec}': dataset specs need DatasetSpec, which this build does not have yet (not merged).");
}
