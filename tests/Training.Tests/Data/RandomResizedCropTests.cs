using System.Text.Json;
using MultiModal.Encoders.Imaging;
using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Data;

/// <summary>
/// The sampler against torchvision 0.14's own <c>RandomResizedCrop.get_params</c>, run by
/// tests/fixtures/augment/generate.py on scripted draws (see its docstring for how a raw draw becomes
/// <c>uniform_</c> / <c>randint</c>). Exact: the same draws must give the same box and consume the same number of draws.
/// </summary>
public sealed class RandomResizedCropTests
{
    public static TheoryData<int> CaseIndices()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < LoadCases().Count; i++)
        {
            data.Add(i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Sample_ScriptedDraws_MatchesTorchvisionGetParams(int index)
    {
        // Arrange
        ParamsCase c = LoadCases()[index];
        var sampler = RandomResizedCrop.Create(new RandomResizedCropOptions
        {
            ScaleMin = c.Scale[0], ScaleMax = c.Scale[1], RatioMin = c.Ratio[0], RatioMax = c.Ratio[1],
        });
        var script = new ScriptedDraws(c.Draws);

        // Act
        CropBox box = sampler.Sample(c.Width, c.Height, script);

        // Assert: torchvision returns (i, j, h, w) = (Top, Left, Height, Width).
        Assert.Equal(c.ExpectedIjhw, new[] { box.Top, box.Left, box.Height, box.Width });
        Assert.Equal(c.Used, script.Used);
    }

    [Fact]
    public void Sample_FixedSeed_SameBoxesAndAllInsideTheScaleAndRatioRanges()
    {
        // Arrange
        var options = new RandomResizedCropOptions { ScaleMin = 0.2, ScaleMax = 0.6, RatioMin = 0.5, RatioMax = 2.0 };
        var sampler = RandomResizedCrop.Create(options);
        var first = new SeededRandom(42);
        var second = new SeededRandom(42);
        const int width = 640, height = 480;

        // Act
        CropBox[] a = Enumerable.Range(0, 500).Select(_ => sampler.Sample(width, height, first)).ToArray();
        CropBox[] b = Enumerable.Range(0, 500).Select(_ => sampler.Sample(width, height, second)).ToArray();

        // Assert: rounding w and h to integers moves the area and ratio by at most a pixel's worth.
        Assert.Equal(a, b);
        Assert.True(a.Distinct().Count() > 490, "boxes should vary");
        foreach (CropBox box in a)
        {
            Assert.True(box.FitsInside(width, height), box.ToString());
            double area = (double)box.Width * box.Height / (width * height);
            Assert.InRange(area, 0.2 - 0.01, 0.6 + 0.01);
            Assert.InRange((double)box.Width / box.Height, 0.5 * 0.98, 2.0 * 1.02);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 1000)]
    [InlineData(1000, 1)]
    [InlineData(3, 2)]
    public void Sample_TinyOrExtremeImages_BoxAlwaysInside(int width, int height)
    {
        var sampler = RandomResizedCrop.Create(new RandomResizedCropOptions());
        var random = new SeededRandom(7);

        for (int i = 0; i < 200; i++)
        {
            CropBox box = sampler.Sample(width, height, random);
            Assert.True(box.FitsInside(width, height), $"{box} in {width}x{height}");
        }
    }

    [Theory]
    [InlineData(0.0, 1.0, 0.75, 1.33, "ScaleMin")]
    [InlineData(0.5, 0.4, 0.75, 1.33, "ScaleMax")]
    [InlineData(0.5, 1.1, 0.75, 1.33, "ScaleMax")]
    [InlineData(0.5, 1.0, -1.0, 1.33, "RatioMin")]
    [InlineData(0.5, 1.0, 1.5, 1.33, "RatioMax")]
    public void Validate_BadRange_ThrowsNamingField(double scaleMin, double scaleMax, double ratioMin, double ratioMax, string field)
    {
        var options = new RandomResizedCropOptions { ScaleMin = scaleMin, ScaleMax = scaleMax, RatioMin = ratioMin, RatioMax = ratioMax };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => RandomResizedCrop.Create(options));

        Assert.Equal(field, ex.ParamName);
    }

    private static IReadOnlyList<ParamsCase> LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestFiles.Fixtures, "augment", "get_params.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => new ParamsCase(
            e.GetProperty("width").GetInt32(),
            e.GetProperty("height").GetInt32(),
            e.GetProperty("scale").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            e.GetProperty("ratio").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            e.GetProperty("draws").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            e.GetProperty("used").GetInt32(),
            e.GetProperty("expected_ijhw").EnumerateArray().Select(v => v.GetInt32()).ToArray())).ToList();
    }

    private sealed record ParamsCase(int Width, int Height, double[] Scale, double[] Ratio, double[] Draws, int Used, int[] ExpectedIjhw);

    /// <summary>Replays the generator's raw draws (multiples of 2^-24, exact as float).</summary>
    private sealed class ScriptedDraws(double[] draws) : IRandomSource
    {
        public int Used { get; private set; }

        public float NextSingle() => (float)draws[Used++];
    }
}
