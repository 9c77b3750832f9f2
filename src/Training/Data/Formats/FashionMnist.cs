namespace MultiModal.Training.Data;

/// <summary>
/// Fashion-MNIST (Zalando, 28x28 grey, 10 classes; 60,000 train and 10,000 test images) from IDX files, by default
/// where Debian's <c>dataset-fashion-mnist</c> package installs them: <see cref="DebianDirectory"/>.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where <c>apt-get install dataset-fashion-mnist</c> puts the four <c>.gz</c> IDX files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The class names in label order, as in the dataset's README.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Whether the four files of both splits are in <paramref name="directory"/> (default <see cref="DebianDirectory"/>).</summary>
    public static bool IsAvailable(string? directory = null)
    {
        string dir = directory ?? DebianDirectory;
        return FindFile(dir, "train-images-idx3-ubyte") is not null && FindFile(dir, "train-labels-idx1-ubyte") is not null
            && FindFile(dir, "t10k-images-idx3-ubyte") is not null && FindFile(dir, "t10k-labels-idx1-ubyte") is not null;
    }

    /// <summary>Opens one split, named <c>fashion-mnist-train</c> or <c>fashion-mnist-test</c>.</summary>
    /// <param name="split">Train (60,000 images) or test (10,000).</param>
    /// <param name="directory">Folder with the IDX files, plain or <c>.gz</c>; null means <see cref="DebianDirectory"/>.</param>
    /// <exception cref="FileNotFoundException">A file is missing; the message says how to install the Debian package.</exception>
    /// <exception cref="DatasetFormatException">A file is malformed.</exception>
    public static IdxDataset Open(TrainTestSplit split, string? directory = null)
    {
        string dir = directory ?? DebianDirectory;
        string prefix = split == TrainTestSplit.Train ? "train" : "t10k";
        string images = Require(dir, $"{prefix}-images-idx3-ubyte");
        string labels = Require(dir, $"{prefix}-labels-idx1-ubyte");
        return IdxDataset.Load(images, labels, ClassNames, split == TrainTestSplit.Train ? "fashion-mnist-train" : "fashion-mnist-test");
    }

    private static string Require(string dir, string baseName) =>
        FindFile(dir, baseName) ?? throw new FileNotFoundException(
            $"Fashion-MNIST file {baseName}[.gz] not found in {dir}. Install Debian's package (apt-get install dataset-fashion-mnist, "
            + $"which puts it in {DebianDirectory}) or pass the folder holding the IDX files.", Path.Combine(dir, baseName + ".gz"));

    private static string? FindFile(string dir, string baseName)
    {
        string gz = Path.Combine(dir, baseName + ".gz");
        if (File.Exists(gz))
        {
            return gz;
        }
        string plain = Path.Combine(dir, baseName);
        return File.Exists(plain) ? plain : null;
    }
}
