using System.Diagnostics;
using System.Globalization;
using MultiModal.Encoders.Imaging;

// Benchmark: decode + resize + crop + normalise of one JPEG to 224 (OpenAI CLIP defaults).
// Usage: MultiModal.Bench.Preprocess IMAGE [N=300] [RUNS=3] [PIL_SCRIPT]
// Prints C# single-thread and all-core throughput, and, with PIL_SCRIPT, runs it and prints the ratios.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: MultiModal.Bench.Preprocess IMAGE [N] [RUNS] [pil_bench.py]");
    return 2;
}
string image = args[0];
int n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 300;
int runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
string? pilScript = args.Length > 3 ? args[3] : null;

var preprocessor = ImagePreprocessor.Create(new ImagePreprocessOptions());
var buffer = new float[preprocessor.OutputLength];
for (int i = 0; i < 30; i++)
{
    preprocessor.Preprocess(image, buffer); // warm-up: tiered JIT
}
var batch = Enumerable.Repeat(image, n).ToArray();
preprocessor.PreprocessBatch(batch.Take(Environment.ProcessorCount * 4).ToArray());

double Single()
{
    var sw = Stopwatch.StartNew();
    for (int i = 0; i < n; i++)
    {
        preprocessor.Preprocess(image, buffer);
    }
    return n / sw.Elapsed.TotalSeconds;
}

double Parallel()
{
    var sw = Stopwatch.StartNew();
    preprocessor.PreprocessBatch(batch);
    return n / sw.Elapsed.TotalSeconds;
}

static double Median(List<double> xs)
{
    xs.Sort();
    return xs.Count % 2 == 1 ? xs[xs.Count / 2] : (xs[xs.Count / 2 - 1] + xs[xs.Count / 2]) / 2;
}

var single = new List<double>();
var all = new List<double>();
for (int r = 0; r < runs; r++)
{
    single.Add(Single());
    all.Add(Parallel());
}

double? pil = null;
if (pilScript is not null)
{
    var psi = new ProcessStartInfo("/usr/bin/python3", [pilScript, image, n.ToString(CultureInfo.InvariantCulture), runs.ToString(CultureInfo.InvariantCulture)])
    {
        RedirectStandardOutput = true,
    };
    using var proc = Process.Start(psi)!;
    string output = proc.StandardOutput.ReadToEnd();
    proc.WaitForExit();
    Console.Write(output);
    var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("pil_images_per_s ", StringComparison.Ordinal));
    if (line is not null)
    {
        pil = double.Parse(line["pil_images_per_s ".Length..], CultureInfo.InvariantCulture);
    }
}

Console.WriteLine($"csharp_single_runs {string.Join(' ', single.Select(x => x.ToString("F1", CultureInfo.InvariantCulture)))}");
Console.WriteLine($"csharp_all_runs {string.Join(' ', all.Select(x => x.ToString("F1", CultureInfo.InvariantCulture)))}");
Console.WriteLine();
Console.WriteLine($"{image}: decode+resize+crop+normalise -> 224, N={n}, median of {runs} runs, {Environment.ProcessorCount} cores");
Console.WriteLine($"| side | images/s | vs PIL 1-thread |");
Console.WriteLine($"|---|---|---|");
string Ratio(double x) => pil is null ? "n/a" : (x / pil.Value).ToString("F2", CultureInfo.InvariantCulture) + "x";
if (pil is not null)
{
    Console.WriteLine($"| PIL+torchvision, 1 thread | {pil:F1} | 1.00x |");
}
Console.WriteLine($"| C# single thread | {Median(single):F1} | {Ratio(Median(single))} |");
Console.WriteLine($"| C# all cores ({Environment.ProcessorCount}) | {Median(all):F1} | {Ratio(Median(all))} |");
Console.WriteLine($"parallel scaling: {Median(all) / Median(single):F2}x on {Environment.ProcessorCount} cores");
return 0;
