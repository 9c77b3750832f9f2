// Tower throughput benchmark: ViT-B/32 (random weights) image and text towers in TorchSharp, timed like
// torch_bench.py times PyTorch. Prints one JSON line per tower. Run through run.sh for the side-by-side table.
using System.Diagnostics;
using System.Globalization;
using MultiModal.Encoders.Config;
using MultiModal.Encoders.Models;
using static TorchSharp.torch;

var options = args.Select((a, i) => (a, i)).Where(t => t.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(t => t.a[2..], t => args[t.i + 1]);
int threads = int.Parse(options.GetValueOrDefault("threads", "1"), CultureInfo.InvariantCulture);
int imageBatch = int.Parse(options.GetValueOrDefault("image-batch", "8"), CultureInfo.InvariantCulture);
int textBatch = int.Parse(options.GetValueOrDefault("text-batch", "32"), CultureInfo.InvariantCulture);
int iterations = int.Parse(options.GetValueOrDefault("iterations", "5"), CultureInfo.InvariantCulture);
string arch = options.GetValueOrDefault("arch", "ViT-B-32");

set_num_threads(threads);
var config = ClipArchitectures.Get(arch);
using var network = ClipNetwork.CreateRandom(config, seed: 0);
network.eval();
using var inference = inference_mode();
random.manual_seed(1);
using var pixels = randn(imageBatch, 3, config.Vision.ImageSize, config.Vision.ImageSize);
// Realistic token rows: start token, 12 word pieces, end token (the pooling position), zero padding.
var ids = new long[textBatch * config.Text.ContextLength];
for (var b = 0; b < textBatch; b++)
{
    ids[b * config.Text.ContextLength] = 49406;
    for (var t = 1; t <= 12; t++)
    {
        ids[(b * config.Text.ContextLength) + t] = 1000 + ((b * 31) + (t * 7)) % 40000;
    }
    ids[(b * config.Text.ContextLength) + 13] = 49407;
}
using var tokens = tensor(ids, [textBatch, config.Text.ContextLength]);

Report("image", imageBatch, () => network.Visual.forward(pixels));
Report("text", textBatch, () => network.Text.forward(tokens));

void Report(string tower, int batch, Func<Tensor> run)
{
    for (var i = 0; i < 2; i++)
    {
        run().Dispose(); // warm-up: first calls pay for allocator growth and kernel selection
    }
    var times = new List<double>();
    for (var i = 0; i < iterations; i++)
    {
        var sw = Stopwatch.StartNew();
        run().Dispose();
        times.Add(sw.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    double median = times[times.Count / 2];
    Console.WriteLine(FormattableString.Invariant(
        $"{{\"impl\": \"torchsharp\", \"arch\": \"{arch}\", \"tower\": \"{tower}\", \"threads\": {threads}, \"batch\": {batch}, \"median_ms\": {median:F1}, \"items_per_s\": {batch * 1000 / median:F1}}}"));
}
