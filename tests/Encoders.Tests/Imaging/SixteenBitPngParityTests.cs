using System.Text.Json;
using MultiModal.Encoders.Imaging;
using Xunit.Abstractions;

namespace MultiModal.Encoders.Tests.Imaging;

/// <summary>
/// 16-bit PNGs against PIL 9.4 (tests/fixtures/hostile-images/generate.py): grey is mode "I", resized in 32-bit
/// integers and clipped to 0..255 by convert("RGB"); grey + alpha, RGB and RGBA keep each sample's high byte.
/// </summary>
public sealed class SixteenBitPngParityTests(ITestOutputHelper output)
{
    /// <summary>
    /// Decoding is lossless and Pillow's resampling is reproduced operation for operation (fixed-point for 8-bit modes,
    /// double-precision weights with its rounding for "I"), so the uint8 image must be identical: no level of slack.
    /// </summary>
    private const int MaxLevelDifference = 0;

    private static readonly string Folder = Path.Combine(TestPaths.Fixtures, "hostile-images");

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (Case c in LoadCases())
        {
            data.Add(c.Expected);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ResizeAndCrop_SixteenBitPng_MatchesPil(string expected)
    {
        // Arrange
        Case c = LoadCases().Single(x => x.Expected == expected);
        var preprocessor = ImagePreprocessor.Create(c.ToOptions());
        byte[] reference = ImagePreprocessorParityTests.LoadRgb(Path.Combine(Folder, c.Expected), c.Size);
        string source = Path.Combine(Folder, c.Source);

        // Act
        byte[] actual = c.Box is { } box
            ? preprocessor.ResizedCrop(File.OpenRead(source), c.Source, (_, _) => box, flipHorizontal: false)
            : preprocessor.ResizeAndCrop(source);

        // Assert
        int maxLevel = reference.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"{c.Expected} (PIL mode {c.PilMode}): max |diff| = {maxLevel}");
        Assert.InRange(maxLevel, 0, MaxLevelDifference);
    }

    [Fact]
    public void Read_SixteenBitGrey_KeepsTheSixteenBitSamplesAsModeI()
    {
        var reader = new ImageReader(new ImagePreprocessOptions());
        byte[] png = PngBytes.File(
            PngBytes.Chunk("IHDR", PngBytes.Header(4, 1, bitDepth: 16, colorType: 0)),
            PngBytes.Chunk("IDAT", PngBytes.ImageData([0x00, 0x05, 0x00, 0xFF, 0x01, 0x00, 0xFF, 0xFF], rowBytes: 8)),
            PngBytes.Chunk("IEND", []));

        using DecodedImage image = reader.Read(png, "grey16.png");

        Assert.Equal(PilMode.I, image.Mode);
        Assert.Equal([5, 255, 256, 65535], image.Int32Pixels.ToArray());
    }

    private static IReadOnlyList<Case> LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json")));
        return doc.RootElement.GetProperty("sixteenBit").EnumerateArray().Select(e => new Case(
            e.GetProperty("source").GetString()!,
            e.GetProperty("pilMode").GetString()!,
            e.GetProperty("size").GetInt32(),
            e.GetProperty("interpolation").GetString()!,
            e.GetProperty("resizeMode").GetString()!,
            e.GetProperty("box").ValueKind == JsonValueKind.Array
                ? e.GetProperty("box").EnumerateArray().Select(v => v.GetInt32()).ToArray() is [var l, var t, var w, var h]
                    ? new CropBox(l, t, w, h)
                    : throw new InvalidDataException("box needs 4 numbers")
                : null,
            e.GetProperty("expected").GetString()!)).ToList();
    }

    private sealed record Case(string Source, string PilMode, int Size, string Interpolation, string ResizeMode, CropBox? Box, string Expected)
    {
        public ImagePreprocessOptions ToOptions() => new()
        {
            ImageSize = Size,
            Interpolation = Interpolation == "bilinear" ? ImageInterpolation.Bilinear : ImageInterpolation.Bicubic,
            ResizeMode = ResizeMode switch
            {
                "longest" => ImageResizeMode.Longest,
                "squash" => ImageResizeMode.Squash,
                _ => ImageResizeMode.Shortest,
            },
        };
    }
}
