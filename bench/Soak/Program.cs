// Soak benchmark (issue 10, "Under load"): searcher threads beside a writer on FlatIndex and HnswIndex, and
// ImageSearchService indexing a changing folder while it serves searches, each for a fixed time, with every result
// re-checked against brute force. Prints Markdown tables and writes JSON. Usage: SoakOptions.Usage; run.sh wraps it.
using MultiModal.Bench.Soak;
using MultiModal.Bench.Soak.Reporting;
using MultiModal.Bench.Soak.Service;

if (args is ["report", .. var files])
{
    // Merge per-scenario JSON files (run.sh runs each scenario in its own process) into one table.
    Console.Write(ReportWriter.Markdown(files.SelectMany(ReportWriter.ReadJson).ToList()));
    return 0;
}
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(SoakOptions.Usage);
    return 0;
}
SoakOptions options;
try
{
    options = SoakOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(SoakOptions.Usage);
    return 2;
}

// One libtorch thread: the searchers are the parallelism (README: several workers and libtorch's pool multiply).
TorchSharp.torch.set_num_threads(1);
var results = new List<ScenarioResult>();
foreach (var scenario in options.Scenarios)
{
    var result = scenario switch
    {
        SoakScenario.Flat => new VectorSoak(options, hnsw: false).Run(),
        SoakScenario.Hnsw => new VectorSoak(options, hnsw: true).Run(),
        _ => new ServiceSoak(options).Run(),
    };
    results.Add(result);
    ReportWriter.WriteJson(options.JsonPath, options, results); // after each scenario, so a later crash keeps it
}
Console.WriteLine();
Console.Write(ReportWriter.Markdown(results));
Console.WriteLine($"JSON: {Path.GetFullPath(options.JsonPath)}");
return results.Sum(r => r.Errors) == 0 ? 0 : 1;
