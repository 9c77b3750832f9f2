namespace MultiModal.Training.Data;

/// <summary>
/// Where one dataset image's encoded bytes come from: a file on disk, or bytes held or produced in memory
/// (IDX and CIFAR records). Opening is cheap and may happen on any thread.
/// </summary>
public abstract class ImageRef
{
    /// <summary>A name for messages and metadata: the file path, or <c>dataset#index</c> for in-memory images.</summary>
    public abstract string Name { get; }

    /// <summary>The file path when the image is a file on disk, else null.</summary>
    public virtual string? FilePath => null;

    /// <summary>Opens a fresh readable stream over the encoded image (the caller disposes it).</summary>
    /// <exception cref="IOException">The image cannot be read.</exception>
    public abstract Stream Open();

    /// <summary>An image file on disk.</summary>
    public static ImageRef FromFile(string path) => new FileImageRef(path);

    private sealed class FileImageRef(string path) : ImageRef
    {
        public override string Name => path;

        public override string? FilePath => path;

        public override Stream Open() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }
}
