using System.Buffers.Binary;
using System.Text;
using MultiModal.Encoders.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MultiModal.Encoders.Tests.Imaging;

/// <summary>Bad inputs, limits, overloads, batches and EXIF handling of <see cref="ImagePreprocessor"/>.</summary>
public sealed class ImagePreprocessorInputTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mm-img-").FullName;
    private readonly ImagePreprocessor small = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = 32 });

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static string Photo(string name) => Path.Combine(TestPaths.Images, name);

    private static string Input(string name) => Path.Combine(TestPaths.Fixtures, "preprocess", "inputs", name);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private ImageDecodeException AssertDecodeFails(string path, string messagePart)
    {
        var ex = Assert.ThrowsAny<ImageDecodeException>(() => small.Preprocess(path));
        Assert.Equal(path, ex.SourceName);
        Assert.Contains(path, ex.Message);
        Assert.Contains(messagePart, ex.Message, StringComparison.OrdinalIgnoreCase);
        return ex;
    }

    [Fact]
    public void Preprocess_EmptyFile_ThrowsNamingFile() => AssertDecodeFails(Write("empty.jpg", []), "empty");

    [Fact]
    public void Preprocess_RandomBytes_ThrowsUnrecognisedFormat()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        AssertDecodeFails(Write("noise.png", bytes), "not a recognised image format");
    }

    [Fact]
    public void Preprocess_TruncatedJpegFixture_ThrowsTruncated() => AssertDecodeFails(Photo("truncated.jpg"), "truncated");

    [Fact]
    public void Preprocess_JpegCutInsideScan_ThrowsLikePil()
    {
        // PIL: "image file is truncated (47 bytes not processed)" (cases.json "bad"); ImageSharp alone would return grey rows.
        AssertDecodeFails(Input("butterfly_cut.jpg"), "truncated");
    }

    [Fact]
    public void Preprocess_PngCutInsideImageData_ThrowsTruncated()
    {
        byte[] png = File.ReadAllBytes(Photo("coffee.png"));
        AssertDecodeFails(Write("cut.png", png[..(png.Length * 6 / 10)]), "truncated");
    }

    [Fact]
    public void Preprocess_PngHeaderClaims100000Squared_ThrowsTooLargeBeforeDecoding()
    {
        string path = Write("bomb.png", BombPng(100_000, 100_000));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<ImageTooLargeException>(() => small.Preprocess(path));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(100_000, ex.Width);
        Assert.Equal(100_000, ex.Height);
        Assert.Contains("decompression bomb", ex.Message);
        Assert.True(allocated < 4_000_000, $"allocated {allocated} bytes"); // a decoded frame would be 30 GB
    }

    [Fact]
    public void Preprocess_GifHeaderClaims65535Squared_ThrowsTooLarge()
    {
        // GIF89a, logical screen 65535 x 65535, no colour table, one 65535 x 65535 image with a 2-byte LZW stream.
        var gif = new List<byte>(Encoding.ASCII.GetBytes("GIF89a"));
        gif.AddRange([0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00]);
        gif.AddRange([0x2C, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B]);
        string path = Write("bomb.gif", gif.ToArray());

        var ex = Assert.Throws<ImageTooLargeException>(() => small.Preprocess(path));

        Assert.Equal(65_535, ex.Width);
    }

    [Fact]
    public void Preprocess_JpegFrameClaims65000Squared_ThrowsTooLarge()
    {
        byte[] jpeg = File.ReadAllBytes(Photo("butterfly.jpg"));
        int sof = FindMarker(jpeg, 0xC0);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), 65_000); // height
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), 65_000); // width
        string path = Write("bomb.jpg", jpeg);

        var ex = Assert.Throws<ImageTooLargeException>(() => small.Preprocess(path));

        Assert.Equal(65_000, ex.Height);
    }

    [Fact]
    public void Preprocess_MaxPixelsBelowImage_ThrowsTooLarge()
    {
        var strict = ImagePreprocessor.Create(new ImagePreprocessOptions { MaxPixels = 1000 });

        var ex = Assert.Throws<ImageTooLargeException>(() => strict.Preprocess(Photo("coffee.png")));

        Assert.Equal(600, ex.Width);
        Assert.Equal(400, ex.Height);
    }

    [Fact]
    public void Preprocess_TgaFile_ThrowsUnsupportedFormat()
    {
        using var image = new Image<Rgb24>(8, 8);
        string path = Path.Combine(dir, "x.tga");
        image.SaveAsTga(path);

        AssertDecodeFails(path, "unsupported image format");
    }

    [Fact]
    public void Preprocess_PngWhenOnlyJpegAllowed_ThrowsNotAllowed()
    {
        var jpegOnly = ImagePreprocessor.Create(new ImagePreprocessOptions { AllowedFormats = ImageFormatKinds.Jpeg });
        string path = Photo("coffee.png");

        var ex = Assert.Throws<ImageDecodeException>(() => jpegOnly.Preprocess(path));

        Assert.Contains("not in AllowedFormats", ex.Message);
    }

    [Fact]
    public void Preprocess_JpegNamedPng_DetectsByContent()
    {
        string renamed = Write("actually_jpeg.png", File.ReadAllBytes(Photo("home.jpg")));

        Assert.Equal(small.Preprocess(Photo("home.jpg")), small.Preprocess(renamed));
    }

    [Fact]
    public void Preprocess_FileLargerThanMaxFileBytes_Throws()
    {
        var tight = ImagePreprocessor.Create(new ImagePreprocessOptions { MaxFileBytes = 1000 });

        var ex = Assert.Throws<ImageDecodeException>(() => tight.Preprocess(Photo("home.jpg")));

        Assert.Contains("MaxFileBytes", ex.Message);
    }

    [Fact]
    public void Preprocess_MissingFile_ThrowsNamingFile() => AssertDecodeFails(Path.Combine(dir, "nope.jpg"), "cannot open");

    [Fact]
    public void Preprocess_Stream_EqualsPath()
    {
        using var stream = File.OpenRead(Photo("messi5.jpg"));

        float[] fromStream = small.Preprocess(stream, "messi5");

        Assert.Equal(small.Preprocess(Photo("messi5.jpg")), fromStream);
    }

    [Fact]
    public void Preprocess_CorruptStream_ExceptionCarriesSourceName()
    {
        using var stream = new MemoryStream([0xFF, 0xD8, 0xFF, 0xDB, 0x00]);

        var ex = Assert.Throws<ImageDecodeException>(() => small.Preprocess(stream, "upload-42"));

        Assert.Equal("upload-42", ex.SourceName);
    }

    [Fact]
    public void Preprocess_DestinationTooShort_ThrowsArgumentException()
    {
        var destination = new float[small.OutputLength - 1];

        Assert.Throws<ArgumentException>(() => small.Preprocess(Photo("home.jpg"), destination));
    }

    [Fact]
    public void Preprocess_Layout_IsChwOfNormalisedRgb()
    {
        byte[] rgb = small.ResizeAndCrop(Photo("chelsea.png"));

        float[] chw = small.Preprocess(Photo("chelsea.png"));

        // pixel (y=5, x=7), channel 2: HWC index (5*32+7)*3+2, CHW index 2*1024 + 5*32+7
        float expected = (rgb[(5 * 32 + 7) * 3 + 2] / 255f - 0.40821073f) / 0.27577711f;
        Assert.Equal(expected, chw[2 * 1024 + 5 * 32 + 7]);
        Assert.Equal(3 * 32 * 32, chw.Length);
    }

    [Fact]
    public void PreprocessBatch_ThreeImages_EqualsSinglesInOrder()
    {
        string[] paths = [Photo("home.jpg"), Photo("logo.png"), Photo("camera.png")];

        float[] batch = small.PreprocessBatch(paths, maxDegreeOfParallelism: 2);

        for (int i = 0; i < paths.Length; i++)
        {
            Assert.Equal(small.Preprocess(paths[i]), batch.AsSpan(i * small.OutputLength, small.OutputLength).ToArray());
        }
    }

    [Fact]
    public void PreprocessBatch_BadItem_ThrowsBatchExceptionNamingIndex()
    {
        string bad = Photo("truncated.jpg");
        string[] paths = [Photo("home.jpg"), Photo("camera.png"), bad, Photo("logo.png")];

        var ex = Assert.Throws<ImageBatchException>(() => small.PreprocessBatch(paths));

        Assert.Equal(2, ex.Index);
        Assert.Equal(bad, ex.SourceName);
        Assert.IsType<ImageDecodeException>(ex.InnerException);
        Assert.Contains("item 2", ex.Message);
    }

    [Fact]
    public void PreprocessBatch_Cancelled_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => small.PreprocessBatch([Photo("home.jpg")], cancellationToken: cts.Token));
    }

    [Fact]
    public void Preprocess_ExifOrientation6_IsIgnoredLikePil()
    {
        // PIL's CLIP transform never applies exif_transpose: the stored pixel order is what the model sees.
        byte[] plain = File.ReadAllBytes(Input("base444.jpg"));
        byte[] exif = [.. plain[..2], .. ExifOrientationSegment(6), .. plain[2..]];
        string rotated = Write("rotated.jpg", exif);
        var size67 = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = 67 });

        byte[] expected = size67.ResizeAndCrop(Input("base444.jpg"));
        byte[] actual = size67.ResizeAndCrop(rotated);

        Assert.Equal(6, (int)(ushort)Image.Identify(rotated).Metadata.ExifProfile!.GetValue(SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag.Orientation)!.Value);
        Assert.Equal(expected, actual);
    }

    private static byte[] ExifOrientationSegment(ushort orientation)
    {
        // APP1 "Exif\0\0" + big-endian TIFF header + one IFD entry: 0x0112 Orientation, SHORT, count 1.
        byte[] tiff = [(byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1,
            (byte)(orientation >> 8), (byte)orientation, 0, 0, 0, 0, 0, 0];
        byte[] body = [.. "Exif\0\0"u8, .. tiff];
        return [0xFF, 0xE1, (byte)((body.Length + 2) >> 8), (byte)(body.Length + 2), .. body];
    }

    private static int FindMarker(byte[] jpeg, byte marker)
    {
        for (int i = 2; i + 1 < jpeg.Length; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker)
            {
                return i;
            }
        }
        throw new InvalidOperationException("marker not found");
    }

    private static byte[] BombPng(int width, int height) => PngBytes.File(
        PngBytes.Chunk("IHDR", PngBytes.Header((uint)width, (uint)height, bitDepth: 8, colorType: 2)),
        PngBytes.Chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]), // empty zlib stream
        PngBytes.Chunk("IEND", []));
}
