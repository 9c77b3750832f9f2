using System.Globalization;
using MultiModal.Index;

namespace MultiModal.Bench.Soak;

/// <summary>Which soak scenarios to run.</summary>
internal enum SoakScenario
{
    /// <summary>Searchers and one writer on a <c>FlatIndex</c>.</summary>
    Flat,

    /// <summary>Searchers and one writer on an <c>HnswIndex</c>.</summary>
    Hnsw,

    /// <summary><c>ImageSearchService</c> indexing a changing folder while searchers search.</summary>
    Service,
}

/// <summary>Command-line settings of the soak benchmark (<c>--name value</c> pairs; see <see cref="Usage"/>).</summary>
internal sealed record SoakOptions
{
    public const string Usage = """
        Usage: MultiModal.Bench.Soak [options]
          --scenario flat|hnsw|service|all   scenarios to run, comma-separated (default all, one after the other)
          --minutes M          duration of each scenario (default 10)
          --seconds S          duration of each scenario in seconds (overrides --minutes)
          --short              10-second smoke run of each scenario
          --seed N             seed of every random choice (default 1)
          --threads N          searcher threads (default 4); one writer / indexer thread runs beside them
          --vectors N          vectors held by the index scenarios (default 30000, the writer keeps it within ±10%)
          --dims N             vector width (default 128)
          --k N                results per search (default 10)
          --metric cosine|ip|l2  index metric (default cosine)
          --write-rate N       writer operations per second, 0 = as fast as it can (default 100)
          --batch N            largest writer batch (default 16)
          --ef-search N        HNSW ef-search (default 64)
          --files N            images in the service scenario's folder at the start (default 300)
          --mutation-rate N    file changes per second in the service scenario (default 20)
          --service-index flat|hnsw  the service's index kind (default flat)
          --model DIR          model folder for the service scenario (default: the tiny CLIP test fixture)
          --work DIR           scratch folder for the service scenario (default: a new temp folder, deleted after)
          --json FILE          write the results as JSON (default soak-results.json)
          --tolerance X        relative score tolerance of the index checks (default 1e-5)
        """;

    public IReadOnlyList<SoakScenario> Scenarios { get; init; } = [SoakScenario.Flat, SoakScenario.Hnsw, SoakScenario.Service];
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);
    public int Seed { get; init; } = 1;
    public int Searchers { get; init; } = 4;
    public int Vectors { get; init; } = 30_000;
    public int Dimensions { get; init; } = 128;
    public int K { get; init; } = 10;
    public Metric Metric { get; init; } = Metric.Cosine;
    public double WriteRate { get; init; } = 100;
    public int MaxBatch { get; init; } = 16;
    public int EfSearch { get; init; } = 64;
    public int Files { get; init; } = 300;
    public double MutationRate { get; init; } = 20;
    public string ServiceIndex { get; init; } = "flat";
    public string? Model { get; init; }
    public string? WorkDirectory { get; init; }
    public string JsonPath { get; init; } = "soak-results.json";
    public double Tolerance { get; init; } = 1e-5;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> naming a bad or unknown option.</summary>
    public static SoakOptions Parse(string[] args)
    {
        var o = new SoakOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--short")
            {
                o = o with { Duration = TimeSpan.FromSeconds(10) };
                continue;
            }
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value.");
            }
            var value = args[++i];
            o = name switch
            {
                "--scenario" => o with { Scenarios = ParseScenarios(value) },
                "--minutes" => o with { Duration = TimeSpan.FromMinutes(Positive(name, Double(value))) },
                "--seconds" => o with { Duration = TimeSpan.FromSeconds(Positive(name, Double(value))) },
                "--seed" => o with { Seed = Int(value) },
                "--threads" => o with { Searchers = (int)Positive(name, Int(value)) },
                "--vectors" => o with { Vectors = (int)Positive(name, Int(value)) },
                "--dims" => o with { Dimensions = (int)Positive(name, Int(value)) },
                "--k" => o with { K = (int)Positive(name, Int(value)) },
                "--metric" => o with { Metric = ParseMetric(value) },
                "--write-rate" => o with { WriteRate = Math.Max(0, Double(value)) },
                "--batch" => o with { MaxBatch = (int)Positive(name, Int(value)) },
                "--ef-search" => o with { EfSearch = (int)Positive(name, Int(value)) },
                "--files" => o with { Files = (int)Positive(name, Int(value)) },
                "--mutation-rate" => o with { MutationRate = Positive(name, Double(value)) },
                "--service-index" => o with { ServiceIndex = value is "flat" or "hnsw" ? value : throw new ArgumentException($"--service-index: '{value}' is not flat or hnsw.") },
                "--model" => o with { Model = value },
                "--work" => o with { WorkDirectory = value },
                "--json" => o with { JsonPath = value },
                "--tolerance" => o with { Tolerance = Positive(name, Double(value)) },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }
        if (o.Files < 4 * o.K)
        {
            throw new ArgumentException($"--files {o.Files} must be at least 4 × k ({4 * o.K}), so every search has k candidates.");
        }
        return o;
    }

    private static IReadOnlyList<SoakScenario> ParseScenarios(string value) => value == "all"
        ? [SoakScenario.Flat, SoakScenario.Hnsw, SoakScenario.Service]
        : value.Split(',').Select(s => Enum.TryParse<SoakScenario>(s, ignoreCase: true, out var v)
            ? v : throw new ArgumentException($"--scenario: '{s}' is not flat, hnsw, service or all.")).ToList();

    private static Metric ParseMetric(string value) => value.ToLowerInvariant() switch
    {
        "cosine" => Metric.Cosine,
        "ip" or "innerproduct" => Metric.InnerProduct,
        "l2" => Metric.L2,
        _ => throw new ArgumentException($"--metric: '{value}' is not cosine, ip or l2."),
    };

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static double Double(string value) => double.Parse(value, CultureInfo.InvariantCulture);

    private static double Positive(string name, double value) =>
        value > 0 ? value : throw new ArgumentException($"{name} must be positive, got {value}.");
}
