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

    /// <summary>An already encoded image (PNG, JPEG, ...) held in memory; each <see cref="Open"/> reads it afresh.</summary>
    /// <param name="name">Name for messages (<c>dataset#index</c>).</param>
    /// <param name="encoded">The encoded bytes; not copied, so they must not change.</param>
    public static ImageRef FromEncoded(string name, ReadOnlyMemory<byte> encoded)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new EncodedImageRef(name, encoded);
    }

    /// <summary>
    /// Raw 8-bit pixels, grey (1 channel, PIL mode "L") or RGB (3 channels), row-major HWC; <see cref="Open"/> encodes
    /// them as a lossless PNG of that mode, so the CLIP preprocessor sees exactly what PIL's <c>Image.fromarray</c> gives.
    /// </summary>
    /// <param name="name">Name for messages (<c>dataset#index</c>).</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="channels">1 (grey) or 3 (RGB).</param>
    /// <param name="pixels">width * height * channels bytes; not copied, so they must not change.</param>
    /// <exception cref="ArgumentException">The sizes do not match or <paramref name="channels"/> is not 1 or 3.</exception>
    public static ImageRef FromPixels(string name, int width, int height, int channels, ReadOnlyMemory<byte> pixels)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new PixelImageRef(name, width, height, channels, pixels);
    }

    private sealed class FileImageRef(string path) : ImageRef
    {
        public override string Name => path;

        public override string? FilePath => path;

        // RegularFile: a folder, FIFO or device named like an image fails at once (NotARegularFileException, an
        // IOException naming the path) instead of "Access denied", a blocked open or an endless read.
        public override Stream Open()
        {
            try
            {
                return MultiModal.Encoders.IO.RegularFile.OpenRead(path, bufferSize: 1 << 16);
            }
            catch (FileNotFoundException ex) when (!Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))))
            {
                // FileStream's exception when a folder on the path is missing, which callers already handle.
                throw new DirectoryNotFoundException(ex.Message, ex);
            }
        }
    }

    private sealed class EncodedImageRef : ImageRef
    {
        private readonly ArraySegment<byte> bytes;

        public EncodedImageRef(string name, ReadOnlyMemory<byte> encoded)
        {
            Name = name;
            bytes = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(encoded, out ArraySegment<byte> segment)
                ? segment
                : new ArraySegment<byte>(encoded.ToArray());
        }

        public override string Name { get; }

        public override Stream Open() => new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false);
    }
}
