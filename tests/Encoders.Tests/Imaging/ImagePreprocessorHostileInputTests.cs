using MultiModal.Encoders.Imaging;
using MultiModal.Encoders.IO;
using MultiModal.Encoders.Tests.IO;

namespace MultiModal.Encoders.Tests.Imaging;

/// <summary>
/// Hostile inputs (issue 10): things that are not files, headers that lie, and data built to exhaust memory or time.
/// Each must end quickly in an <see cref="ImageDecodeException"/> naming the input and the problem.
/// </summary>
public sealed class ImagePreprocessorHostileInputTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mm-hostile-").FullName;
    private readonly ImagePreprocessor small = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = 32 });

    public void Dispose() => Directory.Delete(dir, recursive: true);

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
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains(messagePart, ex.Message, StringComparison.Ordinal);
        return ex;
    }

    [Fact]
    public void Preprocess_Folder_SaysItIsAFolder()
    {
        var ex = AssertDecodeFails(dir, "is a folder, not a regular file");

        Assert.IsType<NotARegularFileException>(ex.InnerException);
    }

    [Fact]
    public void ResizeAndCrop_CharacterDevice_RefusedWithoutReading()
    {
        // /dev/zero would otherwise be read until MaxFileBytes.
        var ex = Assert.Throws<ImageDecodeException>(() => small.ResizeAndCrop("/dev/zero"));

        Assert.Equal("/dev/zero: is a character device, not a regular file", ex.Message);
    }

    [Fact]
    public async Task Preprocess_FifoNamedJpg_FailsAtOnceInsteadOfBlocking()
    {
        string path = Path.Combine(dir, "photo.jpg");
        RegularFileTests.MakeFifo(path);

        var run = Task.Run(() => small.Preprocess(path));
        bool finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10))) == run;
        if (!finished)
        {
            // Release the reader blocked in open(2) so the test process can end.
            using var writer = new FileStream(path, FileMode.Open, FileAccess.Write);
        }

        Assert.True(finished, "opening a FIFO named photo.jpg blocked");
        var ex = await Assert.ThrowsAsync<ImageDecodeException>(() => run);
        Assert.Equal(path, ex.SourceName);
        Assert.Contains("photo.jpg: is a FIFO (named pipe), not a regular file", ex.Message);
    }

    [Fact]
    public void Preprocess_MissingFile_SaysNoSuchFile() =>
        AssertDecodeFails(Path.Combine(dir, "nope.jpg"), "cannot open the file: no such file");

    [Theory]
    [InlineData(0xFFFFFFFFu, 0xFFFFFFFFu, "4294967295x4294967295")]
    [InlineData(0x80000000u, 1u, "2147483648x1")]
    [InlineData(0u, 16u, "0x16")]
    public void Preprocess_PngHeaderWithImpossibleSize_NamesTheDeclaredNumbers(uint width, uint height, string declared)
    {
        string path = Write("liar.png", PngBytes.File(
            PngBytes.Chunk("IHDR", PngBytes.Header(width, height, bitDepth: 8, colorType: 2)),
            PngBytes.Chunk("IDAT", PngBytes.Zlib([])),
            PngBytes.Chunk("IEND", [])));

        var ex = AssertDecodeFails(path, $"PNG header declares {declared} pixels");

        Assert.Contains("1 to 2^31-1", ex.Message);
        Assert.IsNotType<ImageTooLargeException>(ex);
    }

    [Fact]
    public void Preprocess_PngWithTextAndProfileBombs_FinishesFastWithBoundedAllocation()
    {
        // Arrange: a 48x32 RGB PNG carrying zTXt, compressed iTXt and iCCP chunks that each inflate to 64 MiB of zeros.
        byte[] plain = SmallRgbPng(48, 32);
        byte[] payload = ZerosDeflated(64 << 20);
        byte[] bomb = InsertChunks(plain,
            before: [PngBytes.Chunk("zTXt", [.. "Comment\0\0"u8, .. payload]), PngBytes.Chunk("iCCP", [.. "icc\0\0"u8, .. payload])],
            after: [PngBytes.Chunk("iTXt", [.. "XML:com.adobe.xmp\0\u0001\0\0\0"u8, .. payload]), PngBytes.Chunk("zTXt", [.. "Title\0\0"u8, .. payload])]);
        Assert.InRange(bomb.Length, 200_000, 500_000); // the size of issue 10's file
        float[] expected = small.Preprocess(new MemoryStream(plain), "plain.png");

        // Act
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        float[] actual = small.Preprocess(new MemoryStream(bomb), "bomb.png");
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        // Assert: metadata is skipped, not inflated (before: 256 MiB of text inflated as UTF-16 strings, gigabytes).
        Assert.Equal(expected, actual);
        Assert.True(allocated < 16L << 20, $"decoding allocated {allocated} bytes");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"decoding took {clock.Elapsed}"); // milliseconds in fact
    }

    [Fact]
    public void Read_PngWithEveryKindOfMetadataChunk_DecodesIdenticallyToThePlainFile()
    {
        // coffee.png (already holding pHYs and tIME) with text, colour and private chunks before and after the image data.
        byte[] plain = File.ReadAllBytes(Path.Combine(TestPaths.Images, "coffee.png"));
        byte[] noisy = InsertChunks(plain,
            before:
            [
                PngBytes.Chunk("tEXt", "Comment\0hello"u8),
                PngBytes.Chunk("zTXt", [.. "Software\0\0"u8, .. PngBytes.Zlib("MultiModal tests"u8)]),
                PngBytes.Chunk("iTXt", [.. "Title\0\0\0en\0Titel\0"u8, .. "Kaffee"u8]),
                PngBytes.Chunk("gAMA", [0, 0, 0x27, 0x10]), // gamma 0.1: PIL and ImageSharp ignore it
                PngBytes.Chunk("iCCP", [.. "icc\0\0"u8, .. PngBytes.Zlib(new byte[300])]),
                PngBytes.Chunk("prVt", [1, 2, 3]),
            ],
            after:
            [
                PngBytes.Chunk("iTXt", [.. "Description\0\u0001\0\0\0"u8, .. PngBytes.Zlib("a cup"u8)]),
                PngBytes.Chunk("eXIf", [(byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, 0, 0]),
            ]);
        var reader = new ImageReader(new ImagePreprocessOptions());

        using DecodedImage expected = reader.Read(plain, "plain.png");
        using DecodedImage actual = reader.Read(noisy, "noisy.png");

        Assert.Equal(PilMode.Rgb, actual.Mode);
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        Assert.True(expected.Pixels.SequenceEqual(actual.Pixels));
    }

    [Fact]
    public void Preprocess_PngChunkClaimingTwoGigabytes_ThrowsTruncatedWithoutAllocating()
    {
        byte[] plain = SmallRgbPng(8, 8);
        byte[] liar = [.. plain[..33], 0x7F, 0xFF, 0xFF, 0xF0, .. "tEXt"u8, .. "Comment\0"u8, .. plain[33..]];
        string path = Write("liar.png", liar);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        AssertDecodeFails(path, "PNG is truncated inside chunk tEXt (declares 2147483632 bytes");

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < 1 << 20);
    }

    /// <summary>An RGB PNG of a smooth gradient, IHDR + one IDAT + IEND.</summary>
    private static byte[] SmallRgbPng(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 7 / 3);
        }
        return PngBytes.File(
            PngBytes.Chunk("IHDR", PngBytes.Header((uint)width, (uint)height, bitDepth: 8, colorType: 2)),
            PngBytes.Chunk("IDAT", PngBytes.ImageData(pixels, width * 3)),
            PngBytes.Chunk("IEND", []));
    }

    /// <summary><paramref name="before"/> after IHDR (the first chunk), <paramref name="after"/> just before IEND.</summary>
    private static byte[] InsertChunks(byte[] png, byte[][] before, byte[][] after)
    {
        int afterHeader = 8 + 12 + 13;
        int end = png.Length - 12;
        return [.. png[..afterHeader], .. before.SelectMany(c => c), .. png[afterHeader..end], .. after.SelectMany(c => c), .. png[end..]];
    }

    /// <summary>A zlib stream of <paramref name="count"/> zero bytes (about 1000:1).</summary>
    private static byte[] ZerosDeflated(int count)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (int written = 0; written < count; written += zeros.Length)
            {
                zlib.Write(zeros, 0, Math.Min(zeros.Length, count - written));
            }
        }
        return compressed.ToArray();
    }

    /// <summary>An uncompressed 8-bit grey little-endian TIFF in one strip: header, pixels, then the IFD.</summary>
    private static byte[] GreyTiff(int width, int height, uint rowsPerStrip, int stripBytes)
    {
        var pixels = new byte[width * height];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 7 % 251);
        }
        var file = new MemoryStream();
        var w = new BinaryWriter(file);
        w.Write("II"u8);
        w.Write((ushort)42);
        w.Write(8u + (uint)pixels.Length); // the IFD follows the pixels
        w.Write(pixels);
        (ushort Tag, ushort Type, uint Value)[] entries =
        [
            (256, 4, (uint)width), (257, 4, (uint)height), (258, 3, 8), (259, 3, 1), (262, 3, 1),
            (273, 4, 8), (277, 3, 1), (278, 4, rowsPerStrip), (279, 4, (uint)stripBytes),
        ];
        w.Write((ushort)entries.Length);
        foreach (var (tag, type, value) in entries)
        {
            w.Write(tag);
            w.Write(type);
            w.Write(1u);
            if (type == 3)
            {
                w.Write((ushort)value);
                w.Write((ushort)0);
            }
            else
            {
                w.Write(value);
            }
        }
        w.Write(0u);
        return file.ToArray();
    }

    [Theory]
    [InlineData(70_000u)]        // before: ImageSharp sized its strip buffer from it and failed ("degenerate dimensions")
    [InlineData(402_653_191u)]   // before: 22 s (fuzz finding image/hang-95a00233; Fuzz.Tests replays it with a 5 s limit)
    public void Preprocess_TiffRowsPerStripPastTheHeight_DecodesAsOneStripLikePil(uint rowsPerStrip)
    {
        // TIFF 6.0 and libtiff read RowsPerStrip > ImageLength as one strip; PIL 9.4 decodes such files.
        const int Width = 17_165, Height = 7; // the fuzz finding's size: 70,000 rows of it overflow ImageSharp's buffer
        string plain = Write("plain.tif", GreyTiff(Width, Height, Height, Width * Height));
        string odd = Write("odd.tif", GreyTiff(Width, Height, rowsPerStrip, Width * Height));

        Assert.Equal(small.Preprocess(plain), small.Preprocess(odd));
    }

    [Fact]
    public void Preprocess_TiffUncompressedStripShorterThanItsRows_IsRefusedLikePil()
    {
        // Before: ImageSharp decoded the 91 bytes and left the other rows black; PIL: "buffer is not large enough".
        string path = Write("short.tif", GreyTiff(300, 7, 7, 91));

        var ex = AssertDecodeFails(path, "uncompressed strip 0 holds 91 bytes, its 7 rows of 300 pixels need 2100");

        Assert.DoesNotContain("truncated", ex.Message, StringComparison.Ordinal);
    }
}
