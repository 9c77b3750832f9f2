using System.Diagnostics;
using System.Globalization;
using MultiModal.Encoders.Onnx;

// ResNet18 tower throughput on the same random [N, 3, 224, 224] pixels (the graphs take one image per run):
// one image at a time on ONNX Runtime's intra-op pool (1 and all cores) vs concurrent single-threaded runs.
int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 64;
int repeats = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
const int Plane = 3 * 224 * 224;
var pixels = new float[n * Plane];
var rng = new Random(0);
for (int i = 0; i < pixels.Length; i++)
{
    pixels[i] = rng.Next(256);
}
int cores = Environment.ProcessorCount;
foreach (var (label, intra, parallelism) in new[] { ("serial, 1 intra-op thread", 1, 1), ($"serial, {cores} intra-op threads", cores, 1), ($"{cores} concurrent runs, 1 thread each", 1, cores) })
{
    using var encoder = ResNet18ImageEncoder.Load(new ResNet18Options { Session = new OnnxSessionOptions { IntraOpThreads = intra }, Parallelism = parallelism });
    encoder.EncodePixels(pixels[..(2 * Plane)], 2); // warm-up
    var rates = new List<double>();
    for (int r = 0; r < repeats; r++)
    {
        var watch = Stopwatch.StartNew();
        encoder.EncodePixels(pixels, n);
        rates.Add(n / watch.Elapsed.TotalSeconds);
    }
    rates.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-34} {rates[rates.Count / 2],7:F1} images/s (median of {repeats})"));
}
