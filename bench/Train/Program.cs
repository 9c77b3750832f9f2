// Training-step benchmark: one step (forward + ITC loss + backward + AdamW step) of a small CLIP in TorchSharp,
// timed like torch_train_bench.py times PyTorch (2 warm-up steps, median of N). Prints one JSON line.
// Run through run.sh for the side-by-side ratio.
using System.Diagnostics;
using System.Globalization;
using MultiModal.Encoders.Config;
using MultiModal.Encoders.Models;
using MultiModal.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

var options = args.Select((a, i) => (a, i)).Where(t => t.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(t => t.a[2..], t => args[t.i + 1]);
int threads = int.Parse(options.GetValueOrDefault("threads", "1"), CultureInfo.InvariantCulture);
int batch = int.Parse(options.GetValueOrDefault("batch", "32"), CultureInfo.InvariantCulture);
int iterations = int.Parse(options.GetValueOrDefault("iterations", "3"), CultureInfo.InvariantCulture);

set_num_threads(threads);
// The benchmark architecture (same numbers as torch_train_bench.py): ViT 64 px / patch 16 / width 256 / 4 layers;
// text width 256 / 4 layers / 4 heads / context 32 / CLIP's 49408-token vocabulary; embed 256.
var config = new ClipConfig
{
    EmbedDim = 256,
    Vision = new VisionTowerConfig { ImageSize = 64, PatchSize = 16, Width = 256, Layers = 4, HeadWidth = 64, MlpRatio = 4 },
    Text = new TextTowerConfig { ContextLength = 32, VocabSize = 49408, Width = 256, Heads = 4, Layers = 4 },
};
using var network = ClipNetwork.CreateRandom(config, seed: 0);
network.train();
using var loss = new ContrastiveLoss();
// OpenCLIP's two groups: decay 0.2 on ≥2-d weights, none on gains, biases and logit_scale.
var named = network.named_parameters().ToList();
bool Exclude(string n, Tensor p) => p.dim() < 2 || n.Contains("ln", StringComparison.Ordinal) || n.Contains("bias", StringComparison.Ordinal) || n.Contains("logit_scale", StringComparison.Ordinal);
using var adam = optim.AdamW(
    [
        new TorchSharp.Modules.AdamW.ParamGroup(named.Where(p => !Exclude(p.name, p.parameter)).Select(p => p.parameter), lr: 5e-4, beta1: 0.9, beta2: 0.98, eps: 1e-6, weight_decay: 0.2),
        new TorchSharp.Modules.AdamW.ParamGroup(named.Where(p => Exclude(p.name, p.parameter)).Select(p => p.parameter), lr: 5e-4, beta1: 0.9, beta2: 0.98, eps: 1e-6, weight_decay: 0),
    ],
    5e-4);
random.manual_seed(1);
using var pixels = randn(batch, 3, 64, 64);
var ids = new long[batch * 32];
for (var b = 0; b < batch; b++)
{
    ids[b * 32] = 49406;
    for (var t = 1; t <= 12; t++)
    {
        ids[(b * 32) + t] = 1000 + ((b * 31) + (t * 7)) % 40000;
    }
    ids[(b * 32) + 13] = 49407;
}
using var tokens = tensor(ids, [batch, 32]);

float lastLoss = 0;
var optimizerMs = new List<double>();
void Step()
{
    using var scope = NewDisposeScope();
    adam.zero_grad();
    var image = network.EncodeImage(pixels);
    var text = network.EncodeText(tokens);
    using var output = loss.forward(image, text, network.LogitScale);
    output.Total.backward();
    var opt = Stopwatch.StartNew();
    adam.step();
    optimizerMs.Add(opt.Elapsed.TotalMilliseconds);
    using (no_grad())
    {
        network.LogitScale.clamp_(0, Math.Log(100));
    }
    lastLoss = output.Total.item<float>();
}

for (var i = 0; i < 2; i++)
{
    Step(); // warm-up: allocator growth and kernel selection
}
optimizerMs.Clear();
var times = new List<double>();
for (var i = 0; i < iterations; i++)
{
    var sw = Stopwatch.StartNew();
    Step();
    times.Add(sw.Elapsed.TotalMilliseconds);
}
times.Sort();
double median = times[times.Count / 2];
Console.WriteLine(FormattableString.Invariant(
    $"{{\"impl\": \"torchsharp\", \"threads\": {threads}, \"batch\": {batch}, \"median_ms\": {median:F1}, \"optimizer_ms\": {optimizerMs.Order().ElementAt(optimizerMs.Count / 2):F1}, \"loss\": {lastLoss:F4}}}"));
