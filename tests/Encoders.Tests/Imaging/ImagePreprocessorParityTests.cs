using System.Text.Json;
using MultiModal.Encoders.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace MultiModal.Encoders.Tests.Imaging;

/// <summary>
/// Parity with PIL 9.4 + torchvision 0.14 on the committed reference outputs of tests/fixtures/preprocess/generate.py.
/// </summary>
public sealed class ImagePreprocessorParityTests(ITestOutputHelper output)
{
    /// <summary>
    /// The tolerance on the normalised tensor: PIL bilinear instead of bicubic gives 0.0065–0.02 on these photos
    /// and a non-antialiased bicubic 0.016–0.11, so 0.004 tells a faithful bicubic from both.
    /// </summary>
    private const double MeanAbsTolerance = 0.004;

    /// <summary>
    /// Decoding (libjpeg-turbo-exact JPEG, lossless formats) and Pillow's fixed-point resample are reproduced integer
    /// for integer, so the uint8 image must be identical: no level of slack.
    /// </summary>
    private const int MaxLevelDifference = 0;

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in LoadCases())
        {
            data.Add(c.Expected);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ResizeAndCrop_ReferenceCase_MatchesPil(string expected) => AssertCase(expected);

    [Fact]
    public void ResizeAndCrop_GreyPng_MatchesPil() => AssertCase("camera.png.224.png");

    [Fact]
    public void ResizeAndCrop_RgbaPngPremultiplied_MatchesPil() => AssertCase("logo.png.224.png");

    [Fact]
    public void ResizeAndCrop_GreyAlphaPng_MatchesPil() => AssertCase("grey_alpha.png.32.png");

    [Fact]
    public void ResizeAndCrop_PalettePngNearest_MatchesPil() => AssertCase("green_palette.png.224.png");

    [Fact]
    public void ResizeAndCrop_PaletteLongestPadsWithPaletteEntryZero_MatchesPil() => AssertCase("palette.bmp.32.longest.png");

    [Fact]
    public void ResizeAndCrop_GifFirstFrame_MatchesPil() => AssertCase("no_time_for_that_tiny.gif.224.png");

    [Fact]
    public void ResizeAndCrop_OnePixelWide_MatchesPil() => AssertCase("one_wide.png.224.png");

    [Fact]
    public void ResizeAndCrop_ExactlyImageSize_MatchesPil() => AssertCase("exact224.png.224.png");

    [Fact]
    public void ResizeAndCrop_Upscaling12x9To224_MatchesPil() => AssertCase("small12x9.png.224.png");

    [Fact]
    public void ResizeAndCrop_ProgressiveJpeg_MatchesPil() => AssertCase("prog420.jpg.67.png");

    private void AssertCase(string expected)
    {
        // Arrange
        Case c = LoadCases().Single(x => x.Expected == expected);
        var preprocessor = ImagePreprocessor.Create(c.ToOptions());
        byte[] reference = LoadRgb(Path.Combine(TestPaths.Fixtures, "preprocess", c.Expected), c.Size);

        // Act
        byte[] actual = preprocessor.ResizeAndCrop(Path.Combine(TestPaths.Fixtures, c.Source));
        float[] tensor = preprocessor.Preprocess(Path.Combine(TestPaths.Fixtures, c.Source));

        // Assert
        int maxLevel = 0;
        long differing = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            int d = Math.Abs(reference[i] - actual[i]);
            maxLevel = Math.Max(maxLevel, d);
            differing += d == 0 ? 0 : 1;
        }
        double meanAbs = MeanAbsTensorDifference(tensor, reference, c);
        output.WriteLine($"{c.Expected}: uint8 max |diff| = {maxLevel}, differing bytes = {differing}/{reference.Length}, tensor mean |diff| = {meanAbs:F6}");
        Assert.True(meanAbs <= MeanAbsTolerance, $"mean |diff| {meanAbs} > {MeanAbsTolerance}");
        Assert.InRange(maxLevel, 0, MaxLevelDifference);
    }

    /// <summary>Reference tensor = (png / 255 - mean) / std in float32, which generate.py asserts equals torchvision's.</summary>
    private static double MeanAbsTensorDifference(float[] tensor, byte[] referenceHwc, Case c)
    {
        int plane = c.Size * c.Size;
        double sum = 0;
        for (int ch = 0; ch < 3; ch++)
        {
            float mean = (float)c.Mean[ch], std = (float)c.Std[ch];
            for (int i = 0; i < plane; i++)
            {
                float expected = (referenceHwc[i * 3 + ch] / 255f - mean) / std;
                sum += Math.Abs(expected - tensor[ch * plane + i]);
            }
        }
        return sum / (3.0 * plane);
    }

    internal static byte[] LoadRgb(string path, int size)
    {
        using var image = Image.Load<Rgb24>(path);
        Assert.Equal(size, image.Width);
        Assert.Equal(size, image.Height);
        var bytes = new byte[size * size * 3];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }

    internal static IReadOnlyList<Case> LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Fixtures, "preprocess", "cases.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => new Case(
            e.GetProperty("source").GetString()!,
            e.GetProperty("sourceFormat").GetString()!,
            e.GetProperty("size").GetInt32(),
            e.GetProperty("interpolation").GetString()!,
            e.GetProperty("resizeMode").GetString()!,
            e.GetProperty("mean").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            e.GetProperty("std").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            e.GetProperty("expected").GetString()!)).ToList();
    }

    internal sealed record Case(string Source, string SourceFormat, int Size, string Interpolation, string ResizeMode,
        double[] Mean, double[] Std, string Expected)
    {
        public ImagePreprocessOptions ToOptions() => new()
        {
            ImageSize = Size,
            Mean = new RgbValues((float)Mean[0], (float)Mean[1], (float)Mean[2]),
            Std = new RgbValues((float)Std[0], (float)Std[1], (float)Std[2]),
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
