namespace MultiModal.Bench.Soak.Reporting;

/// <summary>What one soak scenario did: operations and their latencies, violations, memory, and scenario-specific figures.</summary>
/// <param name="Name">Scenario name (<c>flat</c>, <c>hnsw</c>, <c>service</c>).</param>
/// <param name="Description">One line: data size, threads, settings.</param>
/// <param name="Seconds">Measured duration of the concurrent phase.</param>
/// <param name="Operations">Per operation type: count, rate, p50/p99/max latency.</param>
/// <param name="Errors">Violations found by the checks (must be 0).</param>
/// <param name="ErrorCounts">Violations by kind.</param>
/// <param name="ErrorSamples">The first messages of each kind.</param>
/// <param name="Memory">Managed and resident memory at start, end and peak.</param>
/// <param name="Extras">Scenario figures that are not latencies (recall, checks run, files skipped, ...).</param>
internal sealed record ScenarioResult(
    string Name,
    string Description,
    double Seconds,
    IReadOnlyList<OperationSummary> Operations,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorCounts,
    IReadOnlyList<string> ErrorSamples,
    MemoryFigures Memory,
    IReadOnlyDictionary<string, double> Extras);
