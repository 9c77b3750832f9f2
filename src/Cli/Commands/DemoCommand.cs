using System.Globalization;
using System.Text.Json.Nodes;
using MultiModal.Encoders;
using MultiModal.Encoders.IO;
using MultiModal.Eval;
using MultiModal.Index;
using MultiModal.Index.Flat;
using MultiModal.Index.ZeroShot;
using MultiModal.Training.Data;

namespace MultiModal.Cli.Commands;

/// <summary>
/// <c>mm demo</c>, the README's main job: the Fashion-MNIST test set (Debian's <c>dataset-fashion-mnist</c>) through a
/// model (the default LiT dual encoder unless <c>--model</c> says otherwise): writes the images as PNG files, embeds
/// them once, saves a flat cosine index over them, runs a few text searches, the zero-shot evaluation (all classes,
/// the classes seen in training and those held out) and class-level text-to-image retrieval, and prints the results.
/// </summary>
/// <remarks>
/// Outputs under <c>--out</c> (default <c>demo</c>): <c>images/</c>, <c>embeddings.npy</c> (reused by a re-run with the
/// same model), <c>index/</c> (open it with <c>mm index search</c> or <see cref="FlatIndex.Load"/>) and
/// <c>zeroshot.json</c> (CLIP_benchmark layout).
/// </remarks>
internal static class DemoCommand
{
    /// <summary>Text queries with the class each one asks for.</summary>
    private static readonly (string Query, string Class)[] Queries =
    [
        ("a photo of a sneaker", "Sneaker"),
        ("a photo of a dress", "Dress"),
        ("a photo of a trouser", "Trouser"),
        ("a photo of an ankle boot", "Ankle boot"),
        ("a photo of a bag", "Bag"),
        ("a photo of a pullover", "Pullover"),
    ];

    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var args = Arguments.Parse(argv, new HashSet<string>());
        var modelName = args.Optional("model") ?? MultimodalModels.DefaultName;
        var device = ModelOptions.ParseDevice(args.Optional("device") ?? "cpu");
        var dataDir = args.Optional("data") ?? FashionMnist.DebianDirectory;
        var outDir = Path.GetFullPath(args.Optional("out") ?? "demo");
        int k = args.Int("k", 5, min: 1);
        int limit = args.Int("limit", 10_000, min: 10);
        int batch = args.Int("batch", 64);
        args.RejectUnused();
        if (args.Positionals.Count > 0)
        {
            throw new UsageException($"Unexpected argument '{args.Positionals[0]}'.");
        }

        // The demo folder is the library's own: created and marked here, or a demo folder from an earlier run.
        OutputPaths.EnsureSeparate(outDir, "--out", ("--data", dataDir), ("--model", Directory.Exists(modelName) ? modelName : null));
        AtomicFolder.Claim(outDir, new AtomicFolderOptions { Kind = "demo", RecognizesUnmarked = IsEarlierDemoFolder });

        var inv = CultureInfo.InvariantCulture;
        var test = FashionMnist.Open(TrainTestSplit.Test, dataDir);
        int count = Math.Min(limit, test.Count);
        var classNames = test.ClassNames!;
        stdout.WriteLine($"Fashion-MNIST test set: {count} of {test.Count} images from {dataDir}");

        var paths = WriteImages(test, count, Path.Combine(outDir, "images"), stderr, cancellationToken);
        var labels = Enumerable.Range(0, count).Select(i => test[i].Label).ToArray();
        var modelDir = Path.GetFullPath(MultimodalModels.ResolveDirectory(modelName));
        using var model = new ModelOptions(modelName, device, null, Warnings: stderr).Load();
        stdout.WriteLine($"Model: {modelName} ({MultimodalModels.Detect(modelDir)}, {model.EmbedDim}-d, logit scale {model.LogitScale.ToString("F1", inv)}) from {modelDir}");

        var embeddings = Embed(model, modelDir, paths, batch, outDir, stderr, cancellationToken);
        using var index = FlatIndex.Create(model.EmbedDim, Metric.Cosine, new FlatIndexOptions { InitialCapacity = count });
        index.Add(embeddings.SelectMany(e => e).ToArray(), Enumerable.Range(0, count).Select(i => (long)i).ToArray());
        for (int i = 0; i < count; i++)
        {
            index.SetMetadata(i, paths[i]);
        }
        var indexDir = Path.Combine(outDir, "index");
        index.Save(indexDir);
        stdout.WriteLine($"Index: flat, cosine, {index.Count} vectors, saved to {indexDir}");

        var heldOut = ReadHeldOutClasses(modelDir).Where(c => classNames.Contains(c)).ToArray();
        stdout.WriteLine();
        stdout.WriteLine($"Text search, top {k} of {count} (held out of training: {(heldOut.Length == 0 ? "none" : string.Join(", ", heldOut))})");
        foreach (var (query, wanted) in Queries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var hits = index.Search(model.EncodeTexts([query], cancellationToken: cancellationToken)[0], k);
            var found = hits.KeysOf(0).ToArray().Select(key => classNames[labels[key]]).ToArray();
            int correct = found.Count(c => c == wanted);
            var mark = heldOut.Contains(wanted) ? " [held out]" : "";
            stdout.WriteLine($"  \"{query}\"{mark}: {correct}/{k} {wanted}");
            stdout.WriteLine($"      {string.Join(", ", hits.KeysOf(0).ToArray().Zip(hits.ScoresOf(0).ToArray(), (key, s) => $"{Path.GetFileName(paths[key])} {s.ToString("F3", inv)}"))}");
        }

        var templates = ZeroShotDatasets.GetTemplates("fashion-mnist");
        var classifier = ZeroShotClassifier.Create(model, classNames, templates, ct: cancellationToken);
        var heldIdx = heldOut.Select(c => classNames.ToList().IndexOf(c)).ToArray();
        var seenIdx = Enumerable.Range(0, classNames.Count).Except(heldIdx).ToArray();
        var seen = ZeroShotEvaluation.Score(classifier.Weights, embeddings, labels, seenIdx, cancellationToken: cancellationToken);
        var held = heldIdx.Length > 0 && heldIdx.Any(h => labels.Contains(h))
            ? ZeroShotEvaluation.Score(classifier.Weights, embeddings, labels, heldIdx, cancellationToken: cancellationToken)
            : null;
        stdout.WriteLine();
        stdout.WriteLine($"Zero-shot classification, {templates.Count} templates, {count} images:");
        stdout.WriteLine("  | images | ranked among | acc1 | acc5 | mean per-class recall |");
        stdout.WriteLine("  |---|---|---|---|---|");
        Row(stdout, "all", "all 10 classes", seen.Overall);
        if (seen.Subset is { } s)
        {
            Row(stdout, $"seen ({seenIdx.Length} classes)", "all 10 classes", s.AllClasses);
            Row(stdout, $"seen ({seenIdx.Length} classes)", "seen classes", s.SubsetClasses);
        }
        if (held?.Subset is { } h)
        {
            Row(stdout, $"held out ({string.Join(", ", heldOut)})", "all 10 classes", h.AllClasses);
            Row(stdout, $"held out ({string.Join(", ", heldOut)})", "held-out classes", h.SubsetClasses);
        }
        // Class-level text-to-image retrieval: each class's template-ensembled text embedding searches the index.
        stdout.WriteLine();
        stdout.WriteLine("Text-to-image retrieval, one query per class (its template-ensembled text embedding):");
        stdout.WriteLine("  | classes | precision@10 | precision@100 |");
        stdout.WriteLine("  |---|---|---|");
        var hitsPerClass = index.Search(classifier.Weights.SelectMany(w => w).ToArray(), Math.Min(100, count));
        double Precision(int c, int at) => hitsPerClass.KeysOf(c)[..Math.Min(at, hitsPerClass.K)].ToArray().Count(key => key >= 0 && labels[key] == c) / (double)Math.Min(at, hitsPerClass.K);
        void RetrievalRow(string name, int[] classes)
        {
            if (classes.Length > 0)
            {
                stdout.WriteLine(string.Create(inv, $"  | {name} | {classes.Average(c => Precision(c, 10)):F4} | {classes.Average(c => Precision(c, 100)):F4} |"));
            }
        }
        RetrievalRow($"seen ({seenIdx.Length})", seenIdx);
        RetrievalRow($"held out ({heldIdx.Length})", heldIdx);
        var reportPath = Path.Combine(outDir, "zeroshot.json");
        EvalReport.ForZeroShot(test.Name, model.Name, held ?? seen, held is null ? null : heldOut).Save(reportPath);
        stdout.WriteLine($"CLIP_benchmark report: {reportPath}");
        return CliApp.Ok;
    }

    /// <summary>A demo output folder written before folders were marked: nothing in it but what the demo writes.</summary>
    private static bool IsEarlierDemoFolder(string folder) =>
        Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName)
            .All(name => name is "images" or "index" or "index.lock" or "embeddings.npy" or "embeddings.json" or "zeroshot.json");

    private static void Row(TextWriter stdout, string images, string among, ClassificationScores scores) =>
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  | {images} | {among} | {scores.Acc1:F4} | {scores.Acc5:F4} | {scores.MeanPerClassRecall:F4} |"));

    /// <summary>Writes each test image as <c>NNNNN-class.png</c> (skipping files already there) and returns the paths.</summary>
    private static string[] WriteImages(IImageTextDataset test, int count, string folder, TextWriter stderr, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var paths = new string[count];
        int written = 0;
        for (int i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sample = test[i];
            var slug = test.ClassNames![sample.Label].ToLowerInvariant().Replace('/', '-').Replace(' ', '-');
            paths[i] = Path.Combine(folder, $"{i:D5}-{slug}.png");
            if (!File.Exists(paths[i]))
            {
                using var source = sample.Image.Open();
                using var file = AtomicFile.Create(paths[i], durable: false); // re-creatable: skip 10,000 fsyncs
                source.CopyTo(file.Stream);
                file.Commit();
                written++;
            }
        }
        stderr.WriteLine($"images: {written} written, {count - written} already in {folder}");
        return paths;
    }

    /// <summary>Embeds the images, or reuses <c>embeddings.npy</c> when it was made by the same model files for the same images.</summary>
    private static float[][] Embed(IMultimodalEncoder model, string modelDir, string[] paths, int batch, string outDir, TextWriter stderr, CancellationToken cancellationToken)
    {
        var cachePath = Path.Combine(outDir, "embeddings.npy");
        var keyPath = Path.Combine(outDir, "embeddings.json");
        var key = new JsonObject
        {
            ["model"] = modelDir,
            ["model_files"] = string.Join(";", Directory.GetFiles(modelDir).Order(StringComparer.Ordinal)
                .Select(f => $"{Path.GetFileName(f)}:{new FileInfo(f).Length}:{File.GetLastWriteTimeUtc(f).Ticks}")),
            ["images"] = paths.Length,
            ["dimensions"] = model.EmbedDim,
        }.ToJsonString();
        if (File.Exists(cachePath) && File.Exists(keyPath) && File.ReadAllText(keyPath) == key)
        {
            var (data, shape) = NpyFile.ReadFloat32(cachePath);
            if (shape.Length == 2 && shape[0] == paths.Length && shape[1] == model.EmbedDim)
            {
                stderr.WriteLine($"embeddings: reusing {cachePath}");
                return Enumerable.Range(0, paths.Length).Select(i => data.AsSpan(i * model.EmbedDim, model.EmbedDim).ToArray()).ToArray();
            }
        }
        var started = DateTime.UtcNow;
        var progress = new LineProgress(stderr, paths.Length, started);
        var embeddings = model.EncodeImages(paths, batch, normalize: true, progress, cancellationToken);
        NpyFile.Write(cachePath, embeddings.SelectMany(e => e).ToArray(), [paths.Length, model.EmbedDim]);
        AtomicFile.WriteAllText(keyPath, key);
        return embeddings;
    }

    /// <summary>"embedding 1280/10000, 212.4 images/s, eta 00:00:41" every few seconds.</summary>
    private sealed class LineProgress(TextWriter stderr, int total, DateTime started) : IProgress<int>
    {
        private DateTime _last = DateTime.MinValue;

        public void Report(int value)
        {
            var now = DateTime.UtcNow;
            if (value < total && now - _last < TimeSpan.FromSeconds(5))
            {
                return;
            }
            _last = now;
            double rate = value / Math.Max(1e-9, (now - started).TotalSeconds);
            var eta = rate > 0 ? TimeSpan.FromSeconds((total - value) / rate) : TimeSpan.Zero;
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"embedding {value}/{total}, {rate:F1} images/s, eta {eta:hh\\:mm\\:ss}"));
        }
    }

    /// <summary>The classes a model's training held out, from the <c>training_config.json</c> saved beside it (none when absent).</summary>
    private static string[] ReadHeldOutClasses(string modelDir)
    {
        var path = Path.Combine(modelDir, "training_config.json");
        if (!File.Exists(path))
        {
            return [];
        }
        return JsonNode.Parse(File.ReadAllText(path))?["data"]?["held_out_classes"]?.AsArray()
            .Select(n => n?.GetValue<string>() ?? "").Where(s => s.Length > 0).ToArray() ?? [];
    }
}
