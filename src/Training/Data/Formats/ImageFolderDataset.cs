using MultiModal.Encoders.IO;

namespace MultiModal.Training.Data;

/// <summary>
/// torchvision's <c>ImageFolder</c>: one subfolder of the root per class, class names (and label order) the folder
/// names sorted ordinally, images found recursively inside each class folder, keeping files whose extension is
/// allowed. Order is torchvision's: classes in label order, then folders by path, then file names, all ordinal.
/// </summary>
/// <remarks>Folders whose names start with '.' (e.g. <c>.ipynb_checkpoints</c>) are skipped, unlike torchvision.
/// Immutable once loaded, so indexing is thread-safe.</remarks>
public sealed class ImageFolderDataset : IImageTextDataset
{
    private readonly ImageTextSample[] samples;

    private ImageFolderDataset(string name, string root, string[] classNames, ImageTextSample[] samples)
    {
        Name = name;
        Root = root;
        ClassNames = classNames;
        this.samples = samples;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The root folder.</summary>
    public string Root { get; }

    /// <inheritdoc/>
    public int Count => samples.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc/>
    public ImageTextSample this[int index] => samples[index];

    /// <summary>Scans <paramref name="root"/>.</summary>
    /// <param name="root">Folder holding one subfolder per class.</param>
    /// <param name="options">Extensions and empty-class handling; null for the defaults.</param>
    /// <exception cref="DirectoryNotFoundException">The root does not exist.</exception>
    /// <exception cref="DatasetFormatException">The root has no class folders, or a class has no images (unless allowed).</exception>
    public static ImageFolderDataset Load(string root, ImageFolderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= new ImageFolderOptions();
        options.Validate();
        string full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"Image folder {full} does not exist.");
        }
        var extensions = new HashSet<string>(options.Extensions, StringComparer.OrdinalIgnoreCase);
        string[] classDirs = Directory.GetDirectories(full)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal)
            .ToArray();
        if (classDirs.Length == 0)
        {
            throw new DatasetFormatException(full, "no class folders (expected ROOT/<class>/<image>)");
        }
        var samples = new List<ImageTextSample>();
        var names = new string[classDirs.Length];
        for (int label = 0; label < classDirs.Length; label++)
        {
            names[label] = Path.GetFileName(classDirs[label]);
            int before = samples.Count;
            foreach (string file in ClassFiles(classDirs[label], extensions))
            {
                samples.Add(new ImageTextSample(ImageRef.FromFile(file), [], label));
            }
            if (samples.Count == before && !options.AllowEmptyClasses)
            {
                throw new DatasetFormatException(classDirs[label], $"class '{names[label]}' has no image with an allowed extension ({string.Join(", ", options.Extensions)})");
            }
        }
        return new ImageFolderDataset(Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)), full, names, samples.ToArray());
    }

    /// <summary>
    /// <c>for root, _, fnames in sorted(os.walk(dir, followlinks=True)): for fname in sorted(fnames)</c>, ordinal,
    /// hidden folders skipped. Unlike os.walk, each real folder is entered once (a link loop is not followed round)
    /// and FIFOs or devices with an image extension are left out (see <see cref="FolderWalk"/>).
    /// </summary>
    private static IEnumerable<string> ClassFiles(string classDir, HashSet<string> extensions)
    {
        bool Visible(string path) => !Path.GetRelativePath(classDir, path).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'));
        var files = FolderWalk.Files(classDir, f => extensions.Contains(Path.GetExtension(f)) && Visible(f)).Files;
        return files
            .GroupBy(f => Path.GetDirectoryName(f)!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g.Order(StringComparer.Ordinal));
    }
}
