using System.Text.Json;
using MultiModal.Encoders.Imaging;

namespace MultiModal.Encoders.Tests.Imaging;

/// <summary>
/// Training geometry (torchvision <c>F.resized_crop</c> + <c>hflip</c> on PIL images) against the committed reference
/// outputs of tests/fixtures/augment/generate.py.
/// </summary>
public sealed class ImagePreprocessorResizedCropTests
{
    /// <summary>
    /// Decoding and Pillow's fixed-point resample are reproduced integer for integer and the crop is a plain copy, so
    /// the uint8 image must be identical: no level of slack.
    /// </summary>
    private const int MaxLevelDifference = 0;

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (CropCase c in LoadCases())
        {
            data.Add(c.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ResizedCrop_ReferenceCase_MatchesTorchvisionResizedCrop(string name)
    {
        // Arrange
        CropCase c = LoadCases().Single(x => x.Name == name);
        var preprocessor = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = c.Size, Interpolation = c.Interpolation });
        byte[] reference = ImagePreprocessorParityTests.LoadRgb(Path.Combine(TestPaths.Fixtures, "augment", c.Name + ".png"), c.Size);
        using var stream = File.OpenRead(Path.Combine(TestPaths.Fixtures, c.Source));

        // Act
        byte[] actual = preprocessor.ResizedCrop(stream, c.Source, (_, _) => c.Box, c.Flip);

        // Assert
        int maxLevel = reference.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(maxLevel, 0, MaxLevelDifference);
    }

    [Fact]
    public void PreprocessResizedCrop_ReferenceCase_NormalisesTheCroppedBytes()
    {
        // Arrange
        CropCase c = LoadCases().Single(x => x.Name == "chelsea_flip");
        var options = new ImagePreprocessOptions { ImageSize = c.Size };
        var preprocessor = ImagePreprocessor.Create(options);
        byte[] reference = ImagePreprocessorParityTests.LoadRgb(Path.Combine(TestPaths.Fixtures, "augment", c.Name + ".png"), c.Size);
        var tensor = new float[preprocessor.OutputLength];
        using var stream = File.OpenRead(Path.Combine(TestPaths.Fixtures, c.Source));

        // Act
        preprocessor.PreprocessResizedCrop(stream, c.Source, (_, _) => c.Box, c.Flip, tensor);

        // Assert: torchvision ToTensor + Normalize in float32, from the reference uint8 image.
        int plane = c.Size * c.Size;
        for (int ch = 0; ch < 3; ch++)
        {
            for (int i = 0; i < plane; i++)
            {
                float expected = (reference[i * 3 + ch] / 255f - options.Mean[ch]) / options.Std[ch];
                Assert.Equal(expected, tensor[ch * plane + i]);
            }
        }
    }

    [Fact]
    public void ResizedCrop_SelectorSeesDecodedSize_ReceivesWidthAndHeight()
    {
        // Arrange
        var preprocessor = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = 16 });
        (int W, int H) seen = default;
        using var stream = File.OpenRead(Path.Combine(TestPaths.Images, "butterfly.jpg"));

        // Act
        preprocessor.ResizedCrop(stream, "butterfly.jpg", (w, h) =>
        {
            seen = (w, h);
            return CropBox.Full(w, h);
        }, false);

        // Assert
        Assert.Equal((493, 356), seen);
    }

    [Fact]
    public void ResizedCrop_FullBox_EqualsSquashResize()
    {
        // Arrange: a full-image crop is F.resize((S, S)), i.e. the "squash" evaluation transform.
        var cropper = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = 40 });
        var squash = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = 40, ResizeMode = ImageResizeMode.Squash });
        string path = Path.Combine(TestPaths.Images, "coffee.png");
        using var stream = File.OpenRead(path);

        // Act
        byte[] cropped = cropper.ResizedCrop(stream, path, CropBox.Full, false);
        byte[] squashed = squash.ResizeAndCrop(path);

        // Assert
        Assert.Equal(squashed, cropped);
    }

    [Theory]
    [InlineData(-1, 0, 10, 10)]
    [InlineData(0, 0, 0, 10)]
    [InlineData(490, 0, 10, 10)]
    [InlineData(0, 350, 10, 10)]
    public void ResizedCrop_BoxOutsideImage_ThrowsNamingTheBoxAndSource(int left, int top, int width, int height)
    {
        // Arrange
        var preprocessor = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = 16 });
        using var stream = File.OpenRead(Path.Combine(TestPaths.Images, "butterfly.jpg"));

        // Act
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            preprocessor.ResizedCrop(stream, "butterfly.jpg", (_, _) => new CropBox(left, top, width, height), false));

        // Assert
        Assert.Contains("493x356", ex.Message);
        Assert.Contains("butterfly.jpg", ex.Message);
    }

    [Fact]
    public void PreprocessResizedCrop_TruncatedJpeg_ThrowsImageDecodeException()
    {
        var preprocessor = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = 16 });
        using var stream = File.OpenRead(Path.Combine(TestPaths.Images, "truncated.jpg"));

        var ex = Assert.Throws<ImageDecodeException>(() =>
            preprocessor.PreprocessResizedCrop(stream, "truncated.jpg", CropBox.Full, true, new float[preprocessor.OutputLength]));

        Assert.Contains("truncated.jpg", ex.Message);
    }

    private static IReadOnlyList<CropCase> LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Fixtures, "augment", "crops.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => new CropCase(
            e.GetProperty("name").GetString()!,
            e.GetProperty("source").GetString()!,
            new CropBox(e.GetProperty("left").GetInt32(), e.GetProperty("top").GetInt32(), e.GetProperty("width").GetInt32(), e.GetProperty("height").GetInt32()),
            e.GetProperty("size").GetInt32(),
            e.GetProperty("flip").GetBoolean(),
            e.GetProperty("interpolation").GetString() == "bilinear" ? ImageInterpolation.Bilinear : ImageInterpolation.Bicubic)).ToList();
    }

    private sealed record CropCase(string Name, string Source, CropBox Box, int Size, bool Flip, ImageInterpolation Interpolation);
}
