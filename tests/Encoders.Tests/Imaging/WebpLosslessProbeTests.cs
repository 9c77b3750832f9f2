using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Reflection;
using MultiModal.Encoders.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace MultiModal.Encoders.Tests.Imaging;

/// <summary>
/// <see cref="WebpLosslessProbe"/> and the lossless WebP check built on it: a VP8L entropy image naming more prefix-code
/// groups than the file can hold, or than libwebp ever writes, is refused before ImageSharp 2.1 allocates tables for
/// every group up front (fuzz finding e62ed6b5: 116 bytes, OutOfMemoryException).
/// </summary>
public sealed class WebpLosslessProbeTests
{
    private const string FindingName = "masked_OutOfMemoryException-ImageReader.Decode-e62ed6b5.bin";

    private static string FindingPath => Path.Combine(TestPaths.RepoRoot, "tests", "fuzz", "corpus", "image", "findings", FindingName);

    // ---- (a) the fuzz finding ----

    [Fact]
    public void Preprocess_FuzzFindingE62ed6b5_RefusedQuicklyWithLittleAllocation()
    {
        var preprocessor = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = 32 });
        preprocessor.Preprocess(Path.Combine(TestPaths.Images, "logo.png")); // warm up: first-call allocations are not the probe's

        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<ImageDecodeException>(() => preprocessor.Preprocess(FindingPath));
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("WebP lossless", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Message.Contains("prefix-code groups", StringComparison.Ordinal) || ex.Message.Contains("corrupt", StringComparison.Ordinal), ex.Message);
        Assert.True(allocated < 64L << 20, $"allocated {allocated} bytes");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    // ---- (b) real lossless files from ImageSharp's encoder ----

    public static TheoryData<string, WebpEncodingMethod, int> EncodedCases => new()
    {
        { "noise64", WebpEncodingMethod.Level4, 75 },
        { "noise64", WebpEncodingMethod.Fastest, 0 },
        { "gradient300x200", WebpEncodingMethod.Level4, 75 },
        { "gradient300x200", WebpEncodingMethod.Level5, 100 },
        { "photo256", WebpEncodingMethod.Level4, 75 },
        { "photo256", WebpEncodingMethod.Level5, 100 },
        { "photo256", WebpEncodingMethod.Level2, 50 },
        { "alpha128", WebpEncodingMethod.Level4, 75 },
        { "alpha128", WebpEncodingMethod.Level5, 90 },
        { "palette12", WebpEncodingMethod.Level4, 75 },
        { "palette12", WebpEncodingMethod.Level6, 90 },
        { "tiny1x1", WebpEncodingMethod.Level4, 75 },
    };

    [Theory]
    [MemberData(nameof(EncodedCases))]
    public void Read_ImageSharpLosslessFile_DecodesAsBeforeAndCountsGroupsAsImageSharp(string content, WebpEncodingMethod method, int quality)
    {
        using Image<Rgba32> source = MakeImage(content);
        byte[] webp = EncodeLossless(source, method, quality);
        ReadOnlySpan<byte> payload = Vp8LPayload(webp);

        WebpLosslessLayout? layout = WebpLosslessProbe.Read(payload, out string? problem);

        Assert.Null(problem);
        Assert.NotNull(layout);
        Assert.Equal((source.Width, source.Height), (layout.Width, layout.Height));
        Assert.Equal(ImageSharpGroupCount(payload.ToArray(), source.Width, source.Height), layout.GroupCount);
        Assert.InRange(layout.EntropyImageEndBit, 8 + 32, layout.TotalBits);
        AssertDecodesLosslessly(source, webp);
    }

    [Fact]
    public void Read_Photo_UsesMetaPrefixCodesCountedAsImageSharp()
    {
        // The entropy image path must be exercised by a real file, not only by crafted ones (7 groups here).
        using Image<Rgba32> photo = MakeImage("photo256");
        byte[] payload = Vp8LPayload(EncodeLossless(photo, WebpEncodingMethod.Level4, 100)).ToArray();

        WebpLosslessLayout layout = WebpLosslessProbe.Read(payload, out _)!;

        Assert.InRange(layout.GroupCount, 2, 4096);
        Assert.Equal(ImageSharpGroupCount(payload, 256, 256), layout.GroupCount);
    }

    [Fact]
    public void Read_NoMetaPrefixCodes_OneGroupAndEndRightAfterTheFlag()
    {
        // 4x4, no transforms, no colour cache, meta bit 0: the groups start 8 + 32 + 3 bits in.
        var bits = Header(4, 4);
        bits.Write(0, 1); // no transform
        bits.Write(0, 1); // no colour cache
        bits.Write(0, 1); // no meta prefix codes
        bits.Write(0, 20);

        WebpLosslessLayout? layout = WebpLosslessProbe.Read(bits.ToArray(), out string? problem);

        Assert.Null(problem);
        Assert.Equal(1, layout!.GroupCount);
        Assert.Equal(0, layout.ColorCacheBits);
        Assert.Equal(8 + 32 + 3, layout.EntropyImageEndBit);
    }

    // ---- (c) crafted bitstreams ----

    [Fact]
    public void Read_EntropyImageNamingGroup65535WithNothingAfter_RefusedAsCannotHold()
    {
        byte[] file = Riff(EntropyImageOfOneGroup(65535, trailingBytes: 0));

        var ex = Assert.Throws<ImageDecodeException>(() => new ImageReader(new ImagePreprocessOptions()).Read(file, "groups.webp"));

        Assert.Contains("WebP lossless bitstream is corrupt: its entropy image names 65536 prefix-code groups", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cannot hold them", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_5000GroupsBackedByEnoughBytes_RefusedByTheGroupLimit()
    {
        byte[] payload = EntropyImageOfOneGroup(4999, trailingBytes: 5000 * 20 / 8);
        WebpLosslessLayout layout = WebpLosslessProbe.Read(payload, out _)!;
        Assert.Equal(5000, layout.GroupCount);
        Assert.True(layout.BitsLeft >= 5000 * 20);

        var ex = Assert.Throws<ImageDecodeException>(() => new ImageReader(new ImagePreprocessOptions()).Read(Riff(payload), "groups.webp"));

        // 5000 groups x 2954 tables x 8 bytes = 112 MB (no colour cache).
        Assert.Contains("uses 5000 prefix-code groups, more than 4096", ex.Message, StringComparison.Ordinal);
        Assert.Contains("would allocate 112 MB of Huffman tables up front", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ThreeGroupsBackedByEnoughBytes_CountedAndNotRefusedByTheProbe()
    {
        WebpLosslessLayout? layout = WebpLosslessProbe.Read(EntropyImageOfOneGroup(2, trailingBytes: 64), out string? problem);

        Assert.Null(problem);
        Assert.Equal(3, layout!.GroupCount);
        Assert.InRange(layout.BitsLeft, 64 * 8, 64 * 8 + 7); // the last header byte's unused bits count too
    }

    [Fact]
    public void Read_LargestImageWithA4096x4096EntropyImageOfZeroBitCodes_AnsweredAtOnce()
    {
        // 16384x16384 at precision 2: 16.7 M entropy pixels that take no bits are not walked one by one.
        var clock = Stopwatch.StartNew();
        WebpLosslessLayout? layout = WebpLosslessProbe.Read(EntropyImageOfOneGroup(7, trailingBytes: 40, size: 16384, precision: 2), out string? problem);

        Assert.Null(problem);
        Assert.Equal(8, layout!.GroupCount);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Read_VersionNotZero_Corrupt()
    {
        var bits = new BitWriter();
        bits.Write(0x2F, 8);
        bits.Write(3, 14);
        bits.Write(3, 14);
        bits.Write(0, 1);
        bits.Write(5, 3); // version 5
        bits.Write(0, 16);

        Assert.Null(WebpLosslessProbe.Read(bits.ToArray(), out string? problem));
        Assert.Equal("version 5 (only 0 is defined)", problem);
        var ex = Assert.Throws<ImageDecodeException>(() => new ImageReader(new ImagePreprocessOptions()).Read(Riff(bits.ToArray()), "v5.webp"));
        Assert.Contains("WebP lossless bitstream is corrupt: version 5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DataEndsInsideThePredictorTransform_Corrupt()
    {
        var bits = Header(64, 64);
        bits.Write(1, 1); // a transform
        bits.Write(0, 2); // predictor
        bits.Write(1, 3); // 8x8 blocks: an 8x8 sub-image follows, but the data ends in its first prefix code
        bits.Write(0, 1); // no colour cache
        bits.Write(0, 1); // normal code

        Assert.Null(WebpLosslessProbe.Read(bits.ToArray(), out string? problem));
        Assert.StartsWith("the data ends inside the predictor transform's image", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SameTransformTwice_Corrupt()
    {
        var bits = Header(4, 4);
        bits.Write(1, 1);
        bits.Write(2, 2); // subtract green
        bits.Write(1, 1);
        bits.Write(2, 2); // again
        bits.Write(0, 16);

        Assert.Null(WebpLosslessProbe.Read(bits.ToArray(), out string? problem));
        Assert.Equal("transform 2 appears twice", problem);
    }

    [Fact]
    public void Read_BackwardReferenceBeforeTheStart_Corrupt()
    {
        // A 2x2 entropy image whose green code has one symbol, 256 (copy 1 pixel), and whose distance code 1 is one
        // row up (distance 2): at pixel 0 there is nothing to copy. A simple code cannot name symbol 256, so green is
        // a normal code.
        var bits = Header(8, 8);
        bits.Write(0, 1); // no transform
        bits.Write(0, 1); // no colour cache
        bits.Write(1, 1); // meta prefix codes
        bits.Write(0, 3); // precision 2: a 2x2 entropy image
        bits.Write(0, 1); // entropy image: no colour cache
        WriteGreenOnlySymbol256(bits);
        for (int i = 0; i < 4; i++)
        {
            WriteSimpleCode(bits, 0); // red, blue, alpha, distance: symbol 0 (distance code 1: (0, 1), one row up)
        }
        bits.Write(0, 32);

        Assert.Null(WebpLosslessProbe.Read(bits.ToArray(), out string? problem));
        Assert.StartsWith("a backward reference in the entropy image (distance 2, length 1 at pixel 0 of 4)", problem, StringComparison.Ordinal);
    }

    // ---- helpers ----

    /// <summary>
    /// A square image with meta prefix codes whose entropy image (zero-bit codes) names <paramref name="group"/> in
    /// every pixel; by default 8x8 at precision 3, a 1x1 entropy image.
    /// </summary>
    private static byte[] EntropyImageOfOneGroup(int group, int trailingBytes, int size = 8, int precision = 3)
    {
        var bits = Header(size, size);
        bits.Write(0, 1); // no transform
        bits.Write(0, 1); // no colour cache
        bits.Write(1, 1); // meta prefix codes
        bits.Write((uint)precision - 2, 3);
        bits.Write(0, 1); // entropy image: no colour cache
        WriteSimpleCode(bits, group & 0xff); // green: the group's low byte
        WriteSimpleCode(bits, group >> 8);   // red: its high byte
        WriteSimpleCode(bits, 0);            // blue
        WriteSimpleCode(bits, 0);            // alpha
        WriteSimpleCode(bits, 0);            // distance
        byte[] head = bits.ToArray();
        return [.. head, .. new byte[trailingBytes]];
    }

    private static BitWriter Header(int width, int height)
    {
        var bits = new BitWriter();
        bits.Write(0x2F, 8);
        bits.Write((uint)width - 1, 14);
        bits.Write((uint)height - 1, 14);
        bits.Write(0, 1); // alpha hint
        bits.Write(0, 3); // version
        return bits;
    }

    /// <summary>A one-symbol simple code (RFC 9649 3.7.2.1.1): 1 bit or 8 bits for the symbol.</summary>
    private static void WriteSimpleCode(BitWriter bits, int symbol)
    {
        bits.Write(1, 1); // simple
        bits.Write(0, 1); // one symbol
        bool wide = symbol > 1;
        bits.Write(wide ? 1u : 0u, 1);
        bits.Write((uint)symbol, wide ? 8 : 1);
    }

    /// <summary>A normal code for the green alphabet (280) where only symbol 256 has a length (1: a zero-bit code).</summary>
    private static void WriteGreenOnlySymbol256(BitWriter bits)
    {
        bits.Write(0, 1); // normal
        // Code-length code over symbols 18 (repeat zeros), 0 and 1 with lengths 1, 2, 2: canonically 18 -> "0",
        // 0 -> "10", 1 -> "11". Stored in the order 17, 18, 0, 1.
        bits.Write(0, 4);  // 4 code-length code lengths
        bits.Write(0, 3);  // 17: unused
        bits.Write(1, 3);  // 18
        bits.Write(2, 3);  // 0
        bits.Write(2, 3);  // 1
        bits.Write(0, 1);  // no max_symbol: all 280 lengths
        WriteCode(bits, 0b0, 1); // 18: 11 + 127 = 138 zeros
        bits.Write(127, 7);
        WriteCode(bits, 0b0, 1); // 18: 11 + 107 = 118 zeros, 256 in all
        bits.Write(107, 7);
        WriteCode(bits, 0b11, 2); // symbol 256: length 1
        WriteCode(bits, 0b0, 1);  // 18: 23 zeros for 257..279
        bits.Write(12, 7);
    }

    /// <summary>Writes a prefix code's bits first-bit-highest, as a decoder reads them.</summary>
    private static void WriteCode(BitWriter bits, uint code, int length)
    {
        for (int i = length - 1; i >= 0; i--)
        {
            bits.Write((code >> i) & 1, 1);
        }
    }

    private static byte[] Riff(byte[] payload)
    {
        int padded = payload.Length + (payload.Length & 1);
        byte[] file = new byte[20 + padded];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(12 + padded));
        "WEBPVP8L"u8.CopyTo(file.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(16), (uint)payload.Length);
        payload.CopyTo(file.AsSpan(20));
        return file;
    }

    /// <summary>The VP8L chunk's data: the first chunk of a simple file, or the VP8L chunk after VP8X (metadata kept).</summary>
    private static ReadOnlySpan<byte> Vp8LPayload(byte[] webp)
    {
        for (int pos = 12; pos + 8 <= webp.Length; )
        {
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan(pos + 4));
            if (webp.AsSpan(pos, 4).SequenceEqual("VP8L"u8))
            {
                return webp.AsSpan(pos + 8, size);
            }
            pos += 8 + size + (size & 1);
        }
        throw new InvalidDataException("ImageSharp wrote no VP8L chunk");
    }

    private static byte[] EncodeLossless(Image<Rgba32> image, WebpEncodingMethod method, int quality)
    {
        using var stream = new MemoryStream();
        image.SaveAsWebp(stream, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless, Method = method, Quality = quality });
        return stream.ToArray();
    }

    private static Image<Rgba32> MakeImage(string content)
    {
        var random = new Random(1234);
        switch (content)
        {
            case "noise64":
                return Fill(64, 64, (_, _) => new Rgba32((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            case "gradient300x200":
                return Fill(300, 200, (x, y) => new Rgba32((byte)(x * 255 / 299), (byte)(y * 255 / 199), (byte)((x + y) / 2)));
            case "alpha128":
                // Alpha never 0: ImageSharp's encoder may clear the colour of fully transparent pixels.
                return Fill(128, 128, (x, y) => new Rgba32((byte)(x * 2), (byte)(y * 2), (byte)(x ^ y), (byte)(1 + ((x + y) % 255))));
            case "palette12":
                Rgba32[] palette = Enumerable.Range(0, 12).Select(i => new Rgba32((byte)(i * 20), (byte)(255 - i * 20), (byte)(i * 7))).ToArray();
                return Fill(96, 80, (x, y) => palette[(x / 8 + y / 8 * 3) % 12]);
            case "tiny1x1":
                return Fill(1, 1, (_, _) => new Rgba32(10, 20, 30));
            default: // photo256: a real photo, centre 256x256
                Image<Rgba32> photo = Image.Load<Rgba32>(Path.Combine(TestPaths.Images, "chelsea.png"));
                photo.Mutate(p => p.Crop(new Rectangle((photo.Width - 256) / 2, (photo.Height - 256) / 2, 256, 256)));
                return photo;
        }
    }

    private static Image<Rgba32> Fill(int width, int height, Func<int, int, Rgba32> pixel)
    {
        var image = new Image<Rgba32>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = pixel(x, y);
            }
        }
        return image;
    }

    /// <summary>The file decodes through ImageReader to the source pixels, and preprocesses as a PNG of them does.</summary>
    private static void AssertDecodesLosslessly(Image<Rgba32> source, byte[] webp)
    {
        using DecodedImage decoded = new ImageReader(new ImagePreprocessOptions()).Read(webp, "lossless.webp");
        Assert.Equal((source.Width, source.Height), (decoded.Width, decoded.Height));
        ReadOnlySpan<byte> pixels = decoded.Pixels;
        for (int y = 0; y < source.Height; y++)
        {
            for (int x = 0; x < source.Width; x++)
            {
                Rgba32 expected = source[x, y];
                int at = (y * source.Width + x) * decoded.Channels;
                Assert.Equal((expected.R, expected.G, expected.B), (pixels[at], pixels[at + 1], pixels[at + 2]));
                if (decoded.Channels == 4)
                {
                    Assert.Equal(expected.A, pixels[at + 3]);
                }
            }
        }

        using var png = new MemoryStream();
        source.SaveAsPng(png, new PngEncoder { ColorType = decoded.Channels == 4 ? PngColorType.RgbWithAlpha : PngColorType.Rgb });
        var preprocessor = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = 32 });
        png.Position = 0;
        float[] fromPng = preprocessor.Preprocess(png, "same.png");
        float[] fromWebp = preprocessor.Preprocess(new MemoryStream(webp), "same.webp");
        Assert.Equal(fromPng, fromWebp);
    }

    /// <summary>
    /// The group count ImageSharp 2.1.13's own decoder sets up for this payload, read through reflection from its
    /// internal WebpLosslessDecoder (an independent count: its entropy-image decoder is a port of libwebp's).
    /// </summary>
    private static int ImageSharpGroupCount(byte[] payload, int width, int height)
    {
        const BindingFlags Any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        Assembly imageSharp = typeof(Image).Assembly;
        Type readerType = imageSharp.GetType("SixLabors.ImageSharp.Formats.Webp.BitReader.Vp8LBitReader", throwOnError: true)!;
        Type decoderType = imageSharp.GetType("SixLabors.ImageSharp.Formats.Webp.Lossless.WebpLosslessDecoder", throwOnError: true)!;
        Type stateType = imageSharp.GetType("SixLabors.ImageSharp.Formats.Webp.Lossless.Vp8LDecoder", throwOnError: true)!;
        var allocator = Configuration.Default.MemoryAllocator;

        using IMemoryOwner<byte> data = allocator.Allocate<byte>(payload.Length);
        payload.CopyTo(data.Memory.Span);
        object reader = Activator.CreateInstance(readerType, Any, null, [data], null)!;
        MethodInfo readValue = readerType.GetMethod("ReadValue", Any)!;
        foreach (int count in new[] { 8, 14, 14, 1, 3 })
        {
            readValue.Invoke(reader, [count]); // signature, width, height, alpha, version: as WebpDecoderCore reads them
        }
        object decoder = Activator.CreateInstance(decoderType, Any, null, [reader, allocator, Configuration.Default], null)!;
        using var state = (IDisposable)Activator.CreateInstance(stateType, Any, null, [width, height, allocator], null)!;
        decoderType.GetMethod("DecodeImageStream", Any)!.Invoke(decoder, [state, width, height, true]);
        object metadata = stateType.GetProperty("Metadata", Any)!.GetValue(state)!;
        return (int)metadata.GetType().GetProperty("NumHTreeGroups", Any)!.GetValue(metadata)!;
    }

    /// <summary>LSB-first bit writer, the order VP8L is read in.</summary>
    private sealed class BitWriter
    {
        private readonly List<byte> bytes = [];
        private int bitCount;

        public void Write(uint value, int count)
        {
            for (int i = 0; i < count; i++, bitCount++)
            {
                if ((bitCount & 7) == 0)
                {
                    bytes.Add(0);
                }
                bytes[^1] |= (byte)(((value >> i) & 1) << (bitCount & 7));
            }
        }

        public byte[] ToArray() => [.. bytes];
    }
}
