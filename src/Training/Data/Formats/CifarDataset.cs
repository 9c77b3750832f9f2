namespace MultiModal.Training.Data;

/// <summary>
/// CIFAR-10 / CIFAR-100 in the binary release. CIFAR-10 records are 1 label byte + 3072 pixel bytes (1024 red, 1024
/// green, 1024 blue, rows of 32); CIFAR-100 records are 1 coarse + 1 fine label byte + 3072 pixel bytes, and the fine
/// label is used. Images open as lossless 32x32 RGB PNGs (PIL mode "RGB", as torchvision's CIFAR datasets).
/// </summary>
/// <remarks>Immutable once loaded, so indexing is thread-safe.</remarks>
public sealed class CifarDataset : IImageTextDataset
{
    /// <summary>Image side in pixels.</summary>
    public const int ImageSide = 32;

    private const int PixelBytes = 3 * ImageSide * ImageSide;

    private readonly byte[] pixels; // HWC RGB, converted from the files' CHW planes
    private readonly byte[] labels;

    private CifarDataset(string name, string[] classNames, byte[] pixels, byte[] labels)
    {
        Name = name;
        ClassNames = classNames;
        this.pixels = pixels;
        this.labels = labels;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Count => labels.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc/>
    public ImageTextSample this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var image = ImageRef.FromPixels($"{Name}#{index}", ImageSide, ImageSide, 3, pixels.AsMemory(index * PixelBytes, PixelBytes));
            return new ImageTextSample(image, [], labels[index]);
        }
    }

    /// <summary>Loads one split of a CIFAR binary release.</summary>
    /// <param name="directory">The extracted folder (<c>cifar-10-batches-bin</c> / <c>cifar-100-binary</c>) or the folder containing it.</param>
    /// <param name="variant">CIFAR-10 or CIFAR-100.</param>
    /// <param name="split">Train (50,000 images) or test (10,000).</param>
    /// <exception cref="DatasetFormatException">A batch file's length is not a whole number of records, a label is out of range, or the names file is wrong.</exception>
    /// <exception cref="FileNotFoundException">A batch or names file is missing.</exception>
    public static CifarDataset Load(string directory, CifarVariant variant, TrainTestSplit split)
    {
        ArgumentNullException.ThrowIfNull(directory);
        bool ten = variant == CifarVariant.Cifar10;
        string namesFile = ten ? "batches.meta.txt" : "fine_label_names.txt";
        string dir = ResolveDirectory(Path.GetFullPath(directory), namesFile, ten ? "cifar-10-batches-bin" : "cifar-100-binary");
        string[] classNames = ReadNames(Path.Combine(dir, namesFile), ten ? 10 : 100);
        string[] files = (ten, split) switch
        {
            (true, TrainTestSplit.Train) => Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray(),
            (true, _) => ["test_batch.bin"],
            (false, TrainTestSplit.Train) => ["train.bin"],
            _ => ["test.bin"],
        };
        int labelBytes = ten ? 1 : 2;
        int recordBytes = labelBytes + PixelBytes;
        var pixelChunks = new List<byte[]>();
        var labelChunks = new List<byte[]>();
        foreach (string file in files)
        {
            string path = Path.Combine(dir, file);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"CIFAR batch file {path} does not exist.", path);
            }
            byte[] data = File.ReadAllBytes(path);
            if (data.Length == 0 || data.Length % recordBytes != 0)
            {
                throw new DatasetFormatException(path, $"file is {data.Length} bytes, not a positive multiple of the {recordBytes}-byte record (truncated or not {variant})");
            }
            int count = data.Length / recordBytes;
            var hwc = new byte[count * PixelBytes];
            var y = new byte[count];
            for (int r = 0; r < count; r++)
            {
                int offset = r * recordBytes;
                byte label = data[offset + labelBytes - 1]; // CIFAR-100: <coarse><fine>
                if (label >= classNames.Length)
                {
                    throw new DatasetFormatException(path, $"label {label} is outside [0, {classNames.Length})", record: r);
                }
                y[r] = label;
                ChwToHwc(data.AsSpan(offset + labelBytes, PixelBytes), hwc.AsSpan(r * PixelBytes, PixelBytes));
            }
            pixelChunks.Add(hwc);
            labelChunks.Add(y);
        }
        string name = $"{(ten ? "cifar10" : "cifar100")}-{split.ToString().ToLowerInvariant()}";
        return new CifarDataset(name, classNames, pixelChunks.SelectMany(c => c).ToArray(), labelChunks.SelectMany(c => c).ToArray());
    }

    private static string ResolveDirectory(string directory, string namesFile, string releaseFolder)
    {
        if (File.Exists(Path.Combine(directory, namesFile)))
        {
            return directory;
        }
        string nested = Path.Combine(directory, releaseFolder);
        if (File.Exists(Path.Combine(nested, namesFile)))
        {
            return nested;
        }
        throw new FileNotFoundException($"CIFAR names file {namesFile} not found in {directory} or {nested}.", Path.Combine(directory, namesFile));
    }

    /// <summary>One class name per non-blank line (the files end with blank lines).</summary>
    private static string[] ReadNames(string path, int expected)
    {
        string[] names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (names.Length != expected)
        {
            throw new DatasetFormatException(path, $"{names.Length} class names, expected {expected}");
        }
        return names;
    }

    private static void ChwToHwc(ReadOnlySpan<byte> chw, Span<byte> hwc)
    {
        const int plane = ImageSide * ImageSide;
        for (int i = 0; i < plane; i++)
        {
            hwc[3 * i] = chw[i];
            hwc[3 * i + 1] = chw[plane + i];
            hwc[3 * i + 2] = chw[2 * plane + i];
        }
    }
}
