using MultiModal.Encoders.Imaging;
using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Data;

public sealed class ClipImageTransformTests
{
    private const int Size = 32;

    private static readonly ImageRef Camera = ImageRef.FromFile(Path.Combine(TestFiles.Images, "camera.png")); // 512x512 grey

    [Fact]
    public void Apply_NoAugmentation_EqualsThePreprocessorsEvalTransformForAnySeed()
    {
        // Arrange
        var preprocessor = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = Size });
        var transform = ClipImageTransform.Create(preprocessor, null);
        var a = new float[3 * Size * Size];
        var b = new float[3 * Size * Size];

        // Act
        transform.Apply(Camera, 1, a);
        transform.Apply(Camera, 999, b);

        // Assert
        Assert.Equal(preprocessor.Preprocess(Camera.FilePath!), a);
        Assert.Equal(a, b);
        Assert.Equal([3, Size, Size], transform.OutputShape);
    }

    [Fact]
    public void Apply_FullSquareCropAndCertainFlip_EqualsMirroredSquashResize()
    {
        // Arrange: on a square image, scale (1, 1) and ratio (1, 1) make every attempt the whole image.
        var preprocessor = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = Size });
        var squash = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = Size, ResizeMode = ImageResizeMode.Squash });
        var augmentation = new ImageAugmentationOptions
        {
            Crop = new RandomResizedCropOptions { ScaleMin = 1, ScaleMax = 1, RatioMin = 1, RatioMax = 1 },
            FlipProbability = 1,
        };
        var transform = ClipImageTransform.Create(preprocessor, augmentation);
        var actual = new float[3 * Size * Size];

        // Act
        transform.Apply(Camera, 12345, actual);

        // Assert
        float[] expected = squash.Preprocess(Camera.FilePath!);
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < Size; y++)
            {
                for (int x = 0; x < Size; x++)
                {
                    Assert.Equal(expected[(c * Size + y) * Size + (Size - 1 - x)], actual[(c * Size + y) * Size + x]);
                }
            }
        }
    }

    [Fact]
    public void Apply_DefaultAugmentation_DependsOnlyOnTheSeed()
    {
        var transform = ClipImageTransform.Create(ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = Size }), new ImageAugmentationOptions());
        float[] Run(ulong seed)
        {
            var output = new float[3 * Size * Size];
            transform.Apply(Camera, seed, output);
            return output;
        }

        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
    }

    [Fact]
    public void Create_FlipProbabilityAboveOne_ThrowsNamingField()
    {
        var preprocessor = ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = Size });

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ClipImageTransform.Create(preprocessor, new ImageAugmentationOptions { FlipProbability = 1.5 }));

        Assert.Equal("FlipProbability", ex.ParamName);
    }

    [Fact]
    public void Apply_MissingFile_ThrowsIOExceptionTheLoaderSkips()
    {
        var transform = ClipImageTransform.Create(ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = Size }), null);

        Assert.ThrowsAny<IOException>(() => transform.Apply(ImageRef.FromFile("/nonexistent/x.png"), 0, new float[3 * Size * Size]));
    }
}
