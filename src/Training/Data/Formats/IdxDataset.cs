namespace MultiModal.Training.Data;

/// <summary>
/// An IDX image/label pair (MNIST, Fashion-MNIST, KMNIST, ...): <c>*-images-idx3-ubyte</c> [count, rows, columns] and
/// <c>*-labels-idx1-ubyte</c> [count], plain or <c>.gz</c>. Images are held as raw bytes and open as lossless greyscale
/// PNGs (PIL mode "L", as torchvision's <c>Image.fromarray(img, mode="L")</c>).
/// </summary>
/// <remarks>Immutable once loaded, so indexing is thread-safe.</remarks>
public sealed class IdxDataset : IImageTextDataset
{
    private readonly byte[] pixels;
    private readonly byte[] labels;
    private readonly int rows;
    private readonly int columns;

    private IdxDataset(string name, IReadOnlyList<string> classNames, byte[] pixels, byte[] labels, int rows, int columns)
    {
        Name = name;
        ClassNames = classNames;
        this.pixels = pixels;
        this.labels = labels;
        this.rows = rows;
        this.columns = columns;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Count => labels.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Image height in pixels.</summary>
    public int ImageHeight => rows;

    /// <summary>Image width in pixels.</summary>
    public int ImageWidth => columns;

    /// <inheritdoc/>
    public ImageTextSample this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            int size = rows * columns;
            var image = ImageRef.FromPixels($"{Name}#{index}", columns, rows, 1, pixels.AsMemory(index * size, size));
            return new ImageTextSample(image, [], labels[index]);
        }
    }

    /// <summary>Loads an images file and a labels file, checking that they match.</summary>
    /// <param name="imagesPath">idx3-ubyte images, plain or gzip.</param>
    /// <param name="labelsPath">idx1-ubyte labels, plain or gzip.</param>
    /// <param name="classNames">Names in label order; null names classes "0", "1", ... up to the largest label.</param>
    /// <param name="name">Dataset name for reports; null uses the images file name.</param>
    /// <exception cref="DatasetFormatException">A file is malformed, the counts differ, or a label has no class name.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    public static IdxDataset Load(string imagesPath, string labelsPath, IReadOnlyList<string>? classNames = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        IdxFile images = IdxFile.Read(Path.GetFullPath(imagesPath), 3);
        IdxFile labels = IdxFile.Read(Path.GetFullPath(labelsPath), 1);
        if (images.Dimensions[0] != labels.Dimensions[0])
        {
            throw new DatasetFormatException(labelsPath, $"{labels.Dimensions[0]} labels for {images.Dimensions[0]} images in {imagesPath}");
        }
        byte[] y = labels.Data;
        int maxLabel = y.Max();
        if (classNames is null)
        {
            classNames = Enumerable.Range(0, maxLabel + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        else
        {
            for (int i = 0; i < y.Length; i++)
            {
                if (y[i] >= classNames.Count)
                {
                    throw new DatasetFormatException(labelsPath, $"label {y[i]} has no class name (there are {classNames.Count} classes)", record: i);
                }
            }
        }
        name ??= "idx-" + Path.GetFileName(imagesPath).Split('-')[0];
        return new IdxDataset(name, classNames.ToArray(), images.Data, y, images.Dimensions[1], images.Dimensions[2]);
    }
}
