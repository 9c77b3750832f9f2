using System.Buffers;
using MultiModal.Encoders.IO;

namespace MultiModal.Encoders.Imaging;

/// <summary>
/// CLIP image preprocessing, byte-identical to OpenAI CLIP / OpenCLIP's PIL + torchvision evaluation transform for
/// lossless formats and Huffman JPEGs: decode → resize in the image's own mode (Pillow's antialiased fixed-point bicubic/bilinear; NEAREST
/// for palette and bilevel images; premultiplied alpha for RGBA/LA) → centre crop (or pad) → convert("RGB") →
/// ToTensor (/255) → Normalize. Output is CHW float32 [3, S, S]; batches are [N, 3, S, S] row-major.
/// </summary>
/// <remarks>
/// <para>Thread-safe: one instance may serve many threads. A single image is processed on the calling thread.</para>
/// <para>
/// Baseline and progressive Huffman JPEGs are decoded by a managed port of libjpeg-turbo's default path (islow IDCT,
/// fancy upsampling, integer YCbCr→RGB), byte-identical to what PIL gets from libjpeg-turbo; other JPEG variants
/// (arithmetic coding, CMYK/YCCK, 12-bit, lossless) and the other formats are decoded by ImageSharp 2.1.
/// EXIF orientation is ignored, as PIL's transform ignores it; ICC profiles and gamma are ignored, as in PIL.
/// </para>
/// <para>
/// 16-bit PNGs follow PIL exactly: 16-bit grey opens as mode "I" (the samples 0..65535 unscaled), is resized in that
/// mode (Pillow's 32-bit passes: double weights, rounded to integers) and convert("RGB") clips each value to 0..255,
/// so values above 255 (most of a full-range image) become white; 16-bit grey + alpha opens as "RGBA" (grey copied to
/// R, G and B) and 16-bit RGB / RGBA as "RGB" / "RGBA", each sample reduced to its high byte (not rounded).
/// </para>
/// <para>
/// Image data that stops early is an error (<see cref="ImageDecodeException"/>, "truncated") unless
/// <see cref="ImagePreprocessOptions.AllowTruncated"/>, which then gives PIL's pixels under
/// <c>ImageFile.LOAD_TRUNCATED_IMAGES</c>. That is stricter than PIL's default in three cases PIL decodes without a
/// word: a JPEG scan whose data stops at a marker (libjpeg warns, fills grey), a PNG whose zlib stream ends before the
/// last row (PIL leaves the rest black) and a PNG missing only its IEND chunk.
/// </para>
/// <para>
/// Known divergences: CMYK JPEG uses ImageSharp's CMYK→RGB conversion; PNG metadata PIL would refuse (a text chunk
/// inflating past 1 MB, a bad CRC on an ancillary chunk) is skipped here, as it never changes the pixels.
/// </para>
/// </remarks>
public sealed class ImagePreprocessor
{
    private readonly ImageReader reader;
    private readonly float[] lut; // [3 * 256]: (b / 255f - mean[c]) / std[c], torchvision's float32 arithmetic

    private ImagePreprocessor(ImagePreprocessOptions options)
    {
        Options = options;
        reader = new ImageReader(options);
        lut = new float[3 * 256];
        for (int c = 0; c < 3; c++)
        {
            float mean = options.Mean[c], std = options.Std[c];
            for (int b = 0; b < 256; b++)
            {
                // ToTensor: byte.float().div(255); Normalize: sub_(mean).div_(std), all in float32.
                lut[c * 256 + b] = (b / 255f - mean) / std;
            }
        }
    }

    /// <summary>The validated options this preprocessor applies.</summary>
    public ImagePreprocessOptions Options { get; }

    /// <summary>Side of the square output (<see cref="ImagePreprocessOptions.ImageSize"/>).</summary>
    public int ImageSize => Options.ImageSize;

    /// <summary>Floats per preprocessed image: 3 * ImageSize * ImageSize.</summary>
    public int OutputLength => 3 * Options.ImageSize * Options.ImageSize;

    /// <summary>Creates a preprocessor after validating <paramref name="options"/>.</summary>
    /// <param name="options">Transform settings and input limits.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid (the parameter name is the field).</exception>
    public static ImagePreprocessor Create(ImagePreprocessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new ImagePreprocessor(options);
    }

    /// <summary>Preprocesses the image file at <paramref name="path"/> into a new CHW tensor [3, S, S].</summary>
    /// <param name="path">Image file; its format is detected from its content.</param>
    /// <exception cref="ImageDecodeException">
    /// The file is missing, not a regular file (a folder, FIFO or device: refused without reading or blocking), empty,
    /// truncated, corrupt, of a disallowed format, or too large.
    /// </exception>
    public float[] Preprocess(string path)
    {
        var result = new float[OutputLength];
        Preprocess(path, result);
        return result;
    }

    /// <summary>Preprocesses the image file at <paramref name="path"/> into <paramref name="destination"/> (CHW, length ≥ <see cref="OutputLength"/>).</summary>
    /// <param name="path">Image file.</param>
    /// <param name="destination">Receives 3 * S * S floats.</param>
    /// <exception cref="ImageDecodeException">The image cannot be used (see <see cref="Preprocess(string)"/>).</exception>
    public void Preprocess(string path, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckDestination(destination.Length, OutputLength);
        byte[] data = ReadFile(path, out int length);
        try
        {
            Run(new ArraySegment<byte>(data, 0, length), path, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    /// <summary>Preprocesses an image read from <paramref name="stream"/> (to its end) into a new CHW tensor.</summary>
    /// <param name="stream">Readable stream holding one encoded image.</param>
    /// <param name="sourceName">Name used in error messages (a path, URL or id).</param>
    /// <exception cref="ImageDecodeException">The image cannot be used.</exception>
    public float[] Preprocess(Stream stream, string sourceName)
    {
        var result = new float[OutputLength];
        Preprocess(stream, sourceName, result);
        return result;
    }

    /// <summary>Preprocesses an image read from <paramref name="stream"/> into <paramref name="destination"/> (CHW).</summary>
    /// <param name="stream">Readable stream holding one encoded image.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <param name="destination">Receives 3 * S * S floats.</param>
    /// <exception cref="ImageDecodeException">The image cannot be used.</exception>
    public void Preprocess(Stream stream, string sourceName, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        CheckDestination(destination.Length, OutputLength);
        byte[] data = ReadStream(stream, sourceName, out int length);
        try
        {
            Run(new ArraySegment<byte>(data, 0, length), sourceName, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    /// <summary>
    /// Preprocesses <paramref name="paths"/> in parallel into one row-major tensor [N, 3, S, S].
    /// </summary>
    /// <param name="paths">Image files; item i fills floats [i * OutputLength, (i + 1) * OutputLength).</param>
    /// <param name="maxDegreeOfParallelism">Worker count; -1 uses every core.</param>
    /// <param name="cancellationToken">Stops scheduling further items.</param>
    /// <exception cref="ImageBatchException">An item failed; <see cref="ImageBatchException.Index"/> names it (the lowest failing index seen).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public float[] PreprocessBatch(IReadOnlyList<string> paths, int maxDegreeOfParallelism = -1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "must be -1 or positive");
        }
        int per = OutputLength;
        // Every item writes all of its floats (or the batch throws), so the GC need not zero this large array first.
        var result = GC.AllocateUninitializedArray<float>(checked(paths.Count * per));
        var failures = new System.Collections.Concurrent.ConcurrentBag<ImageBatchException>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.For(0, paths.Count, parallel, (i, state) =>
        {
            string path = paths[i] ?? string.Empty;
            try
            {
                Preprocess(path, result.AsSpan(i * per, per));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add(new ImageBatchException(i, path, ex));
                state.Stop();
            }
        });
        if (!failures.IsEmpty)
        {
            throw failures.MinBy(f => f.Index)!;
        }
        return result;
    }

    /// <summary>
    /// The resized and cropped image before ToTensor: S * S * 3 bytes, HWC, RGB — exactly PIL's uint8 result for
    /// lossless inputs. Used by parity tests and by callers that want to store or inspect the model's view.
    /// </summary>
    /// <param name="path">Image file.</param>
    /// <exception cref="ImageDecodeException">The image cannot be used.</exception>
    public byte[] ResizeAndCrop(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] data = ReadFile(path, out int length);
        try
        {
            return ResizeAndCrop(new ArraySegment<byte>(data, 0, length), path);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    /// <summary>As <see cref="ResizeAndCrop(string)"/>, reading the encoded image from <paramref name="stream"/>.</summary>
    /// <param name="stream">Readable stream holding one encoded image.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <exception cref="ImageDecodeException">The image cannot be used.</exception>
    public byte[] ResizeAndCrop(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        byte[] data = ReadStream(stream, sourceName, out int length);
        try
        {
            return ResizeAndCrop(new ArraySegment<byte>(data, 0, length), sourceName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    /// <summary>
    /// Preprocesses with torchvision's training geometry, <c>RandomResizedCrop</c> + <c>RandomHorizontalFlip</c> on a PIL
    /// image: decode → <c>crop</c> the box that <paramref name="selectCrop"/> picks from the decoded size → <c>resize((S, S))</c>
    /// with <see cref="ImagePreprocessOptions.Interpolation"/> in the image's own mode → optional <c>FLIP_LEFT_RIGHT</c> →
    /// convert("RGB") → ToTensor → Normalize, into <paramref name="destination"/> (CHW). <see cref="ImagePreprocessOptions.ResizeMode"/> is not used.
    /// </summary>
    /// <param name="stream">Readable stream holding one encoded image.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <param name="selectCrop">Picks the crop box once the image size is known (called once, on this thread).</param>
    /// <param name="flipHorizontal">Mirror the resized crop left to right.</param>
    /// <param name="destination">Receives 3 * S * S floats.</param>
    /// <exception cref="ImageDecodeException">The image cannot be used.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The selected box does not lie inside the image.</exception>
    /// <remarks>Crop then resize, as <c>F.resized_crop</c> does; this is not Pillow's <c>resize(box=...)</c>, whose filter reads pixels beyond the box.</remarks>
    public void PreprocessResizedCrop(Stream stream, string sourceName, CropSelector selectCrop, bool flipHorizontal, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(selectCrop);
        CheckDestination(destination.Length, OutputLength);
        byte[] data = ReadStream(stream, sourceName, out int length);
        try
        {
            Run(new ArraySegment<byte>(data, 0, length), sourceName, selectCrop, flipHorizontal, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    /// <summary>
    /// The uint8 image of <see cref="PreprocessResizedCrop"/> before ToTensor: S * S * 3 bytes, HWC, RGB — PIL's
    /// <c>img.crop(box).resize((S, S), filter)</c> (then flipped) for lossless inputs.
    /// </summary>
    /// <param name="stream">Readable stream holding one encoded image.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <param name="selectCrop">Picks the crop box once the image size is known.</param>
    /// <param name="flipHorizontal">Mirror the resized crop left to right.</param>
    /// <exception cref="ImageDecodeException">The image cannot be used.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The selected box does not lie inside the image.</exception>
    public byte[] ResizedCrop(Stream stream, string sourceName, CropSelector selectCrop, bool flipHorizontal)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(selectCrop);
        byte[] data = ReadStream(stream, sourceName, out int length);
        try
        {
            var rgb = new byte[3 * ImageSize * ImageSize];
            using DecodedImage image = reader.Read(new ArraySegment<byte>(data, 0, length), sourceName);
            Geometry(image, sourceName, selectCrop, flipHorizontal, rgb);
            return rgb;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    private byte[] ResizeAndCrop(ArraySegment<byte> data, string sourceName)
    {
        var rgb = new byte[3 * ImageSize * ImageSize];
        using DecodedImage image = reader.Read(data, sourceName);
        PilPipeline.ResizeCropToRgb(image, ImageSize, Options.ResizeMode, Options.Interpolation, rgb);
        return rgb;
    }

    /// <summary>Evaluation geometry (resize + centre crop) when <paramref name="selectCrop"/> is null, else crop + resize (+ flip).</summary>
    private void Geometry(DecodedImage image, string sourceName, CropSelector? selectCrop, bool flipHorizontal, Span<byte> rgb)
    {
        if (selectCrop is null)
        {
            PilPipeline.ResizeCropToRgb(image, ImageSize, Options.ResizeMode, Options.Interpolation, rgb);
            return;
        }
        CropBox box = selectCrop(image.Width, image.Height);
        if (!box.FitsInside(image.Width, image.Height))
        {
            throw new ArgumentOutOfRangeException(nameof(selectCrop), box, $"crop box {box} is not inside the {image.Width}x{image.Height} image {sourceName}");
        }
        PilCrop.ResizedCropToRgb(image, box, ImageSize, Options.Interpolation, flipHorizontal, rgb);
    }

    private void Run(ArraySegment<byte> data, string sourceName, Span<float> destination) =>
        Run(data, sourceName, null, false, destination);

    private void Run(ArraySegment<byte> data, string sourceName, CropSelector? selectCrop, bool flipHorizontal, Span<float> destination)
    {
        int s = ImageSize, plane = s * s;
        byte[] rgb = ArrayPool<byte>.Shared.Rent(3 * plane);
        try
        {
            using (DecodedImage image = reader.Read(data, sourceName))
            {
                Geometry(image, sourceName, selectCrop, flipHorizontal, rgb);
            }
            // HWC bytes → CHW normalised floats through the per-channel lookup table.
            ReadOnlySpan<float> l0 = lut.AsSpan(0, 256), l1 = lut.AsSpan(256, 256), l2 = lut.AsSpan(512, 256);
            Span<float> r = destination[..plane], g = destination.Slice(plane, plane), b = destination.Slice(2 * plane, plane);
            ReadOnlySpan<byte> src = rgb.AsSpan(0, 3 * plane);
            for (int i = 0, j = 0; i < plane; i++, j += 3)
            {
                r[i] = l0[src[j]];
                g[i] = l1[src[j + 1]];
                b[i] = l2[src[j + 2]];
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgb);
        }
    }

    private byte[] ReadFile(string path, out int length)
    {
        FileStream file;
        try
        {
            // RegularFile: a FIFO named *.jpg is refused at once instead of blocking, a device instead of being read.
            file = RegularFile.OpenRead(path, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (NotARegularFileException ex)
        {
            throw new ImageDecodeException(path, $"is {FileStatus.Describe(ex.Kind)}, not a regular file", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ImageDecodeException(path, $"cannot open the file: {WithoutPath(ex.Message, path)}", ex);
        }
        using (file)
        {
            return ReadStream(file, path, out length);
        }
    }

    /// <summary>RegularFile's messages start with "path: "; the exception adds the path itself.</summary>
    private static string WithoutPath(string message, string path) =>
        message.StartsWith(path + ": ", StringComparison.Ordinal) ? message[(path.Length + 2)..].TrimEnd('.') : message;

    private byte[] ReadStream(Stream stream, string sourceName, out int length)
    {
        long limit = Math.Min(Options.MaxFileBytes, Array.MaxLength);
        if (stream.CanSeek)
        {
            long declared = stream.Length - stream.Position;
            if (declared > limit)
            {
                throw new ImageDecodeException(sourceName, $"file is {declared} bytes, more than MaxFileBytes = {Options.MaxFileBytes}");
            }
        }
        int capacity = stream.CanSeek ? (int)Math.Max(1, stream.Length - stream.Position) : 64 * 1024;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(capacity);
        length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= limit)
                    {
                        // One byte more than allowed proves the stream is too long.
                        int probe = stream.ReadByte();
                        if (probe < 0)
                        {
                            break;
                        }
                        throw new ImageDecodeException(sourceName, $"stream is longer than MaxFileBytes = {Options.MaxFileBytes}");
                    }
                    byte[] bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit, 2L * buffer.Length));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                int n = stream.Read(buffer, length, (int)Math.Min(buffer.Length, limit) - length);
                if (n == 0)
                {
                    break;
                }
                length += n;
            }
            return buffer;
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException or ObjectDisposedException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new ImageDecodeException(sourceName, $"cannot read the data: {ex.Message}", ex);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static void CheckDestination(int length, int needed)
    {
        if (length < needed)
        {
            throw new ArgumentException($"destination holds {length} floats, {needed} needed (3 * ImageSize^2)", "destination");
        }
    }
}
