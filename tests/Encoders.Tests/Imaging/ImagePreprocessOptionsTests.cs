using MultiModal.Encoders.Imaging;

namespace MultiModal.Encoders.Tests.Imaging;

public sealed class ImagePreprocessOptionsTests
{
    [Fact]
    public void Defaults_OpenAIClip224_AreValid()
    {
        var options = new ImagePreprocessOptions();

        options.Validate();

        Assert.Equal(224, options.ImageSize);
        Assert.Equal(new RgbValues(0.48145466f, 0.4578275f, 0.40821073f), options.Mean);
        Assert.Equal(new RgbValues(0.26862954f, 0.26130258f, 0.27577711f), options.Std);
        Assert.Equal(89_478_485, options.MaxPixels);
        Assert.Equal(ImageFormatKinds.All, options.AllowedFormats);
        Assert.False(options.AllowTruncated);
    }

    public static TheoryData<string, ImagePreprocessOptions> InvalidOptions() => new()
    {
        { "ImageSize", new ImagePreprocessOptions { ImageSize = 0 } },
        { "Std", new ImagePreprocessOptions { Std = new RgbValues(0.2f, 0f, 0.2f) } },
        { "Mean", new ImagePreprocessOptions { Mean = new RgbValues(float.NaN, 0f, 0f) } },
        { "Interpolation", new ImagePreprocessOptions { Interpolation = (ImageInterpolation)9 } },
        { "ResizeMode", new ImagePreprocessOptions { ResizeMode = (ImageResizeMode)9 } },
        { "MaxPixels", new ImagePreprocessOptions { MaxPixels = 0 } },
        { "MaxFileBytes", new ImagePreprocessOptions { MaxFileBytes = -1 } },
        { "AllowedFormats", new ImagePreprocessOptions { AllowedFormats = ImageFormatKinds.None } },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Validate_InvalidField_ThrowsNamingField(string field, ImagePreprocessOptions options)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ImagePreprocessor.Create(options));

        Assert.Equal(field, ex.ParamName);
    }
}
