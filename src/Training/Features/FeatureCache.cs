using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MultiModal.Encoders;
using MultiModal.Encoders.Checkpoints;
using MultiModal.Training.Data;
using MultiModal.Training.Logging;
using static TorchSharp.torch;

namespace MultiModal.Training.Features;

/// <summary>
/// One pass of the frozen towers over a dataset, cached as safetensors (<c>features-HASH.safetensors</c>) whose
/// metadata holds a key describing the towers (names and widths), the dataset (name, size and a fingerprint of every
/// sample's image name, file size and time, captions and label), the templates and the held-out classes. A changed
/// key means a different file name, so a stale cache is never read.
/// </summary>
internal static class FeatureCache
{
    private const int Chunk = 64;

    public static FeatureTable LoadOrBuild(
        string cacheDir, IImageTextDataset dataset, IImageEncoder image, string imageName, ITextEncoder text, string textName,
        IReadOnlyList<string> templates, IReadOnlyList<string> heldOutClasses, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var (rows, captions) = Select(dataset, templates, heldOutClasses);
        if (rows.Count < 2)
        {
            throw new InvalidDataException($"Dataset {dataset.Name} has {rows.Count} trainable samples after removing held-out classes; need at least 2.");
        }
        var key = Key(dataset, rows, captions, image, imageName, text, textName, templates, heldOutClasses);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        Directory.CreateDirectory(cacheDir);
        var path = Path.Combine(cacheDir, $"features-{hash}.safetensors");
        if (File.Exists(path))
        {
            // Features are inputs to training: NaN or ±Inf in the cache would only surface later as a diverged loss.
            using var file = SafeTensorsFile.Open(path, new SafeTensorsReadOptions { RejectNonFinite = true });
            if (file.Metadata.TryGetValue("key", out var stored) && stored == key)
            {
                return Read(file, rows, image.EmbedDim, text.EmbedDim);
            }
        }
        var table = Compute(dataset, rows, captions, image, text, progress, cancellationToken);
        using (var scope = NewDisposeScope())
        {
            var tensors = new List<KeyValuePair<string, Tensor>>
            {
                new("image", tensor(table.Image, [table.Count, table.ImageDim])),
                new("text", tensor(table.Text, [table.Text.Length / table.TextDim, table.TextDim])),
                new("caption_start", tensor(table.CaptionStart.Select(v => (long)v).ToArray())),
                new("sample_index", tensor(table.SampleIndex.Select(v => (long)v).ToArray())),
            };
            SafeTensorsWriter.Save(path, tensors, new Dictionary<string, string> { ["key"] = key });
        }
        return table;
    }

    private static (List<int> Rows, List<IReadOnlyList<string>> Captions) Select(IImageTextDataset dataset, IReadOnlyList<string> templates, IReadOnlyList<string> heldOut)
    {
        var held = heldOut.ToHashSet(StringComparer.Ordinal);
        var rows = new List<int>();
        var captions = new List<IReadOnlyList<string>>();
        for (var i = 0; i < dataset.Count; i++)
        {
            var sample = dataset[i];
            string? className = sample.Label >= 0 && dataset.ClassNames is { } names && sample.Label < names.Count ? names[sample.Label] : null;
            if (className is not null && held.Contains(className))
            {
                continue;
            }
            if (sample.Captions.Count > 0)
            {
                captions.Add(sample.Captions);
            }
            else if (className is not null)
            {
                captions.Add(templates.Select(t => t.Replace("{}", className, StringComparison.Ordinal)).ToList());
            }
            else
            {
                throw new InvalidDataException($"Dataset {dataset.Name}, sample {i} ({sample.Image.Name}): no captions and no class label to build one from.");
            }
            rows.Add(i);
        }
        return (rows, captions);
    }

    private static string Key(IImageTextDataset dataset, List<int> rows, List<IReadOnlyList<string>> captions, IImageEncoder image, string imageName,
        ITextEncoder text, string textName, IReadOnlyList<string> templates, IReadOnlyList<string> heldOut)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var r = 0; r < rows.Count; r++)
        {
            var sample = dataset[rows[r]];
            var file = sample.Image.FilePath is { } p && File.Exists(p) ? new FileInfo(p) : null;
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{rows[r]}\u001f{sample.Image.Name}\u001f{file?.Length}\u001f{file?.LastWriteTimeUtc.Ticks}\u001f{sample.Label}\u001f{string.Join('\u001e', captions[r])}\n");
            sha.AppendData(Encoding.UTF8.GetBytes(line));
        }
        var fingerprint = Convert.ToHexStringLower(sha.GetHashAndReset());
        return string.Create(CultureInfo.InvariantCulture,
            $"image_tower={imageName}:{image.EmbedDim};text_tower={textName}:{text.EmbedDim};dataset={dataset.Name}:{dataset.Count}:{fingerprint};templates={string.Join('|', templates)};held_out={string.Join('|', heldOut)}");
    }

    private static FeatureTable Compute(IImageTextDataset dataset, List<int> rows, List<IReadOnlyList<string>> captions, IImageEncoder image, ITextEncoder text,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        int n = rows.Count, di = image.EmbedDim, dt = text.EmbedDim;
        var imageRows = EncodeImages(dataset, rows, image, progress, cancellationToken);
        var captionStart = new int[n + 1];
        for (var r = 0; r < n; r++)
        {
            captionStart[r + 1] = captionStart[r] + captions[r].Count;
        }
        var allCaptions = captions.SelectMany(c => c).ToList();
        var textFeatures = text.EncodeTexts(allCaptions, normalize: false, cancellationToken: cancellationToken);
        var textRows = new float[(long)allCaptions.Count * dt];
        for (var j = 0; j < textFeatures.Length; j++)
        {
            CheckWidth(textFeatures[j], dt, "text");
            textFeatures[j].CopyTo(textRows, (long)j * dt);
        }
        return new FeatureTable(di, dt, imageRows, textRows, captionStart, rows.ToArray());
    }

    /// <summary>Raw (unnormalised) features of the images of <paramref name="rows"/>, row-major [rows, EmbedDim], encoded in chunks.</summary>
    public static float[] EncodeImages(IImageTextDataset dataset, IReadOnlyList<int> rows, IImageEncoder image, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        int n = rows.Count, di = image.EmbedDim;
        var imageRows = new float[(long)n * di];
        for (var start = 0; start < n; start += Chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(Chunk, n - start);
            var samples = Enumerable.Range(start, count).Select(r => dataset[rows[r]]).ToList();
            var streams = new List<Stream>(count);
            try
            {
                streams.AddRange(samples.Select(s => s.Image.Open()));
                var features = image.EncodeImages(streams, samples.Select(s => s.Image.Name).ToList(), Chunk, normalize: false, cancellationToken);
                for (var j = 0; j < count; j++)
                {
                    CheckWidth(features[j], di, "image");
                    features[j].CopyTo(imageRows, (long)(start + j) * di);
                }
            }
            finally
            {
                streams.ForEach(s => s.Dispose());
            }
            progress?.Report(new TrainingProgress(TrainingPhase.Features, start + count, n));
        }
        return imageRows;
    }

    private static void CheckWidth(float[] row, int width, string tower)
    {
        if (row.Length != width)
        {
            throw new InvalidDataException($"The {tower} tower returned a {row.Length}-d row; it declares EmbedDim {width}.");
        }
    }

    /// <summary>
    /// Reads a cache whose key matched, after checking its tensors against what the key promises (names, types and
    /// shapes from the header, then the offsets and sample indices), so a damaged file is an error naming it rather
    /// than an index exception or a silently wrong table.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The file does not hold the table its key describes; names the file and the tensor.</exception>
    private static FeatureTable Read(SafeTensorsFile file, IReadOnlyList<int> rows, int imageDim, int textDim)
    {
        int n = rows.Count;
        CheckNames(file);
        var textRows = Expect(file, "text", SafeTensorsDType.F32, null, textDim)[0];
        Expect(file, "image", SafeTensorsDType.F32, n, imageDim);
        Expect(file, "caption_start", SafeTensorsDType.I64, n + 1L);
        Expect(file, "sample_index", SafeTensorsDType.I64, n);
        using var scope = NewDisposeScope();
        var starts = file.ReadTensor("caption_start").data<long>().ToArray();
        var samples = file.ReadTensor("sample_index").data<long>().ToArray();
        if (starts[0] != 0 || starts[^1] != textRows || starts.Zip(starts.Skip(1)).Any(p => p.Second < p.First))
        {
            throw Corrupt(file, $"'caption_start' must rise from 0 to the {textRows} text rows; it does not");
        }
        if (!samples.SequenceEqual(rows.Select(r => (long)r)))
        {
            throw Corrupt(file, "'sample_index' differs from the dataset rows its key describes");
        }
        var image = file.ReadTensor("image");
        var text = file.ReadTensor("text");
        return new FeatureTable(imageDim, textDim, image.data<float>().ToArray(), text.data<float>().ToArray(),
            [.. starts.Select(v => (int)v)], rows.ToArray());
    }

    private static void CheckNames(SafeTensorsFile file)
    {
        string[] names = ["caption_start", "image", "sample_index", "text"];
        var actual = file.Tensors.Keys.Order(StringComparer.Ordinal).ToArray();
        if (!actual.SequenceEqual(names))
        {
            throw Corrupt(file, $"it holds tensors [{string.Join(", ", actual)}], expected [{string.Join(", ", names)}]");
        }
    }

    /// <summary>Checks one tensor's type and shape (null = any length) from the header; returns its shape.</summary>
    private static long[] Expect(SafeTensorsFile file, string name, SafeTensorsDType dtype, long? rows, int? width = null)
    {
        var info = file.Tensors[name];
        long[]? expected = width is int w ? (rows is long r ? [r, w] : null) : (rows is long r1 ? [r1] : null);
        var shapeOk = expected is not null
            ? info.Shape.SequenceEqual(expected)
            : info.Shape.Length == 2 && info.Shape[1] == width && info.Shape[0] <= int.MaxValue;
        if (info.DType != dtype || !shapeOk)
        {
            var want = expected is not null ? $"[{string.Join(", ", expected)}]" : $"[rows, {width}]";
            throw Corrupt(file, $"tensor '{name}' is {info.DType.ToHeaderName()} [{string.Join(", ", info.Shape)}], expected {dtype.ToHeaderName()} {want}");
        }
        return info.Shape;
    }

    private static CheckpointFormatException Corrupt(SafeTensorsFile file, string problem) =>
        new(file.FilePath, $"{problem}; the feature cache is damaged (delete it to recompute the features).");
}
