using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MultiModal.Encoders.Imaging;
using Xunit.Abstractions;

namespace MultiModal.Encoders.Tests.Imaging;

/// <summary>
/// Files cut short, against PIL 9.4 on libjpeg-turbo 2.1.5 (tests/fixtures/hostile-images/generate.py records, per cut,
/// what PIL does by default and with <c>ImageFile.LOAD_TRUNCATED_IMAGES = True</c>, as a SHA-256 of its pixels).
/// </summary>
/// <remarks>
/// The policy checked here: by default every file whose image data stops early is refused with "truncated" (GIF, BMP,
/// TIFF and WebP exactly where PIL refuses them; for JPEG and PNG stricter
/// than PIL where PIL decodes a partial image without a word: a JPEG scan that stops at a marker, a PNG without IEND
/// or whose zlib stream ends early); with <see cref="ImagePreprocessOptions.AllowTruncated"/> the pixels equal PIL's
/// with LOAD_TRUNCATED_IMAGES, except where PIL has no partial image to give (a JPEG cut inside a marker segment gives
/// all black, one cut before its first scan cannot be opened) or ImageSharp cannot be trusted (interlaced PNG).
/// </remarks>
public sealed class TruncatedImageTests(ITestOutputHelper output)
{
    private static readonly string Folder = Path.Combine(TestPaths.Fixtures, "hostile-images");

    private static readonly Lazy<IReadOnlyList<Case>> Cases = new(LoadCases);

    public enum Outcome
    {
        /// <summary>ImageDecodeException saying "truncated".</summary>
        Refused,

        /// <summary>PIL's pixels without LOAD_TRUNCATED_IMAGES.</summary>
        Pil,

        /// <summary>PIL's pixels with LOAD_TRUNCATED_IMAGES.</summary>
        PilTruncatedOk,
    }

    public static TheoryData<int, bool> CaseIndices()
    {
        var data = new TheoryData<int, bool>();
        for (int i = 0; i < Cases.Value.Count; i++)
        {
            data.Add(i, false);
            data.Add(i, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public async Task Read_CutFile_MatchesPilOrRefuses(int index, bool allowTruncated)
    {
        // Arrange
        Case c = Cases.Value[index];
        Outcome expected = allowTruncated ? c.ExpectedWhenAllowed : c.ExpectedByDefault;
        byte[] bytes = c.Bytes();
        var reader = new ImageReader(new ImagePreprocessOptions { AllowTruncated = allowTruncated });
        output.WriteLine($"{c.Source} cut at {c.Cut} ({c.Why}, {c.Kind}): expecting {expected}");

        // Act: on a worker, so that a decoder that never returns fails the test instead of hanging the run.
        var decode = Task.Run(() =>
        {
            using DecodedImage image = reader.Read(bytes, c.Source);
            return (image.Width, image.Height, Hash: Convert.ToHexStringLower(SHA256.HashData(image.Pixels)),
                Mean: image.Mode == PilMode.I ? image.Int32Pixels.ToArray().Average() : image.Pixels.ToArray().Average(b => (double)b));
        });
        Assert.True(await Task.WhenAny(decode, Task.Delay(TimeSpan.FromSeconds(30))) == decode, "decoding did not finish in 30 s");

        // Assert
        if (expected == Outcome.Refused)
        {
            var ex = await Assert.ThrowsAnyAsync<ImageDecodeException>(() => decode);
            output.WriteLine(ex.Message);
            Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
            return;
        }
        Reference reference = expected == Outcome.Pil ? c.Pil : c.PilTruncatedOk;
        Assert.Null(reference.Error); // the fixture agrees that PIL decodes this
        var actual = await decode;
        output.WriteLine($"ours: mean {actual.Mean:F3} {actual.Hash}; PIL: mean {reference.Mean:F3} {reference.Sha256}");
        Assert.Equal((reference.Width, reference.Height), (actual.Width, actual.Height));
        Assert.Equal(reference.Sha256, actual.Hash);
    }

    [Fact]
    public void Read_JpegScanStoppingAtEoi_RefusedByDefaultNamingTheMcu()
    {
        byte[] jpeg = File.ReadAllBytes(Path.Combine(TestPaths.Images, "butterfly.jpg"));
        byte[] cut = [.. jpeg[..(jpeg.Length / 2)], 0xFF, 0xD9]; // the case: grey in PIL, a flat colour before

        var ex = Assert.Throws<ImageDecodeException>(() => new ImageReader(new ImagePreprocessOptions()).Read(cut, "half.jpg"));

        Assert.StartsWith("half.jpg: JPEG is truncated: the data of scan 1 stops at MCU ", ex.Message);
        Assert.Contains("AllowTruncated", ex.Message);
    }

    [Fact]
    public void Read_JpegCutAndAllowed_RestIsMidGreyLikeLibjpeg()
    {
        byte[] jpeg = File.ReadAllBytes(Path.Combine(TestPaths.Images, "butterfly.jpg"));
        var reader = new ImageReader(new ImagePreprocessOptions { AllowTruncated = true });

        using DecodedImage image = reader.Read(jpeg[..(jpeg.Length / 2)], "half.jpg");

        // The last 16-row MCU row has no data: zero coefficients, 128 after the IDCT and colour conversion.
        Assert.All(image.Pixels[^(16 * image.Width * 3)..].ToArray(), b => Assert.Equal(128, b));
    }

    [Fact]
    public void Read_PngZlibStreamEndingBeforeTheLastRow_RefusedByDefaultZeroRowsWhenAllowed()
    {
        // A complete zlib stream with 5 of the 10 rows: PIL keeps the other 5 black without a word.
        var pixels = new byte[16 * 5 * 3];
        pixels.AsSpan().Fill(200);
        byte[] png = PngBytes.File(
            PngBytes.Chunk("IHDR", PngBytes.Header(16, 10, bitDepth: 8, colorType: 2)),
            PngBytes.Chunk("IDAT", PngBytes.ImageData(pixels, 16 * 3)),
            PngBytes.Chunk("IEND", []));

        var ex = Assert.Throws<ImageDecodeException>(() => new ImageReader(new ImagePreprocessOptions()).Read(png, "short.png"));
        using DecodedImage image = new ImageReader(new ImagePreprocessOptions { AllowTruncated = true }).Read(png, "short.png");

        Assert.Contains("PNG image data is truncated: it inflates to 245 of the 490 bytes", ex.Message);
        Assert.All(image.Pixels[..(16 * 5 * 3)].ToArray(), b => Assert.Equal(200, b));
        Assert.All(image.Pixels[(16 * 5 * 3)..].ToArray(), b => Assert.Equal(0, b));
    }

    private static IReadOnlyList<Case> LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json")));
        return doc.RootElement.GetProperty("truncated").EnumerateArray().Select(e => new Case(
            e.GetProperty("source").GetString()!,
            e.GetProperty("cut").GetInt32(),
            e.GetProperty("appendEoi").GetBoolean(),
            e.GetProperty("reframe").GetBoolean(),
            e.GetProperty("kind").GetString()!,
            e.GetProperty("why").GetString()!,
            Reference.From(e.GetProperty("pil")),
            Reference.From(e.GetProperty("pilTruncatedOk")))).ToList();
    }

    private sealed record Reference(string? Error, int Width, int Height, string? Sha256, double Mean)
    {
        public static Reference From(JsonElement e) => e.TryGetProperty("error", out JsonElement error)
            ? new Reference(error.GetString(), 0, 0, null, 0)
            : new Reference(null, e.GetProperty("width").GetInt32(), e.GetProperty("height").GetInt32(),
                e.GetProperty("sha256").GetString(), e.GetProperty("mean").GetDouble());
    }

    private sealed record Case(string Source, int Cut, bool AppendEoi, bool Reframe, string Kind, string Why, Reference Pil, Reference PilTruncatedOk)
    {
        private bool IsPng => Source.EndsWith(".png", StringComparison.Ordinal);

        /// <summary>See the class remarks.</summary>
        public Outcome ExpectedByDefault => (IsPng, Kind) switch
        {
            (_, "file") => Pil.Error is null ? Outcome.Pil : Outcome.Refused, // GIF, BMP, TIFF, WebP: as PIL by default
            (true, "end") when Reframe => Outcome.Pil,        // re-framed after all the data: the whole file
            (false, "boundary") when AppendEoi => Outcome.Pil, // a progressive file that just has fewer scans
            _ => Outcome.Refused,
        };

        public Outcome ExpectedWhenAllowed => (IsPng, Kind) switch
        {
            (_, "file") => ExpectedByDefault, // AllowTruncated covers JPEG and PNG only
            (true, "end") when Reframe => Outcome.Pil,
            (true, "data") when Source.EndsWith("interlaced.png", StringComparison.Ordinal) => Outcome.Refused,
            (true, _) => Outcome.PilTruncatedOk,
            (false, "scan" or "boundary") => Outcome.PilTruncatedOk,
            _ => Outcome.Refused, // "segment": PIL's result is all black; "header": PIL cannot open it
        };

        public byte[] Bytes()
        {
            byte[] file = File.ReadAllBytes(Path.Combine(TestPaths.Fixtures, Source));
            if (Reframe)
            {
                return Reframed(file, Cut);
            }
            return AppendEoi ? [.. file[..Cut], 0xFF, 0xD9] : file[..Cut];
        }

        /// <summary>generate.py reframed(): the chunks before the image data, the IDAT bytes kept as one chunk, IEND.</summary>
        private static byte[] Reframed(byte[] png, int cut)
        {
            var kept = new List<byte[]>();
            var body = new List<byte>();
            int pos = 8;
            while (pos + 8 <= png.Length)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
                string type = Encoding.ASCII.GetString(png, pos + 4, 4);
                if (type == "IDAT")
                {
                    int start = pos + 8, end = Math.Min(pos + 8 + length, cut);
                    body.AddRange(end > start ? png[start..end] : []);
                }
                else if (type == "IEND" || pos >= cut)
                {
                    break;
                }
                else if (body.Count == 0)
                {
                    kept.Add(png[pos..(pos + 12 + length)]);
                }
                pos += 12 + length;
            }
            return [.. png[..8], .. kept.SelectMany(k => k), .. PngBytes.Chunk("IDAT", body.ToArray()), .. PngBytes.Chunk("IEND", [])];
        }
    }
}
