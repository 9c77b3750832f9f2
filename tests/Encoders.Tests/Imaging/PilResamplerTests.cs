using MultiModal.Encoders.Imaging;

namespace MultiModal.Encoders.Tests.Imaging;

/// <summary>The two horizontal-pass implementations (scalar Pillow loop, 8-row-block AVX2) must give identical bytes.</summary>
public sealed class PilResamplerTests
{
    [Theory]
    [InlineData(1, 640, 298, ImageInterpolation.Bicubic)]
    [InlineData(3, 640, 298, ImageInterpolation.Bicubic)]
    [InlineData(2, 300, 640, ImageInterpolation.Bicubic)]
    [InlineData(4, 101, 224, ImageInterpolation.Bicubic)]
    [InlineData(2, 57, 13, ImageInterpolation.Bilinear)]
    public void HorizontalAvx2_RandomImage_EqualsScalarPass(int channels, int inWidth, int outWidth, ImageInterpolation filter)
    {
        // Arrange: seeded noise, a window of output columns as a centre crop would ask for.
        const int rows = 37;
        var src = new byte[rows * inWidth * channels];
        new Random(11).NextBytes(src);
        int first = outWidth / 5, count = outWidth - 2 * first;
        var co = PilResampleCoefficients.Create(inWidth, outWidth, first, count, filter);
        var scalar = new byte[(rows - 2) * count * channels];
        var transposed = new byte[scalar.Length];

        // Act
        PilResampler.Horizontal(src, inWidth * channels, channels, 1, rows - 2, co, scalar);
        if (!PilResamplerAvx2.IsSupported)
        {
            return; // nothing to compare on this machine
        }
        PilResamplerAvx2.Horizontal(src, inWidth * channels, channels, 1, rows - 2, co, transposed);

        // Assert
        Assert.Equal(scalar, transposed);
    }

    [Theory]
    [InlineData(3 * 224, 480, 224, ImageInterpolation.Bicubic)]
    [InlineData(3 * 37, 50, 101, ImageInterpolation.Bicubic)]
    [InlineData(2 * 13, 57, 13, ImageInterpolation.Bilinear)]
    public void VerticalAvx2_RandomImage_EqualsScalarPass(int rowBytes, int inHeight, int outHeight, ImageInterpolation filter)
    {
        if (!PilResamplerAvx2.IsSupported)
        {
            return; // nothing to compare on this machine
        }
        // Arrange: a window of output rows; the source buffer starts at the first input row the window reads.
        var src = new byte[inHeight * rowBytes];
        new Random(7).NextBytes(src);
        int first = outHeight / 5, count = outHeight - 2 * first;
        var co = PilResampleCoefficients.Create(inHeight, outHeight, first, count, filter);
        var input = src.AsSpan(co.InputFirst * rowBytes).ToArray();
        var scalar = new byte[count * rowBytes];
        var vector = new byte[scalar.Length];

        // Act
        PilResampler.Vertical(input, rowBytes, co.InputFirst, co, scalar);
        PilResamplerAvx2.Vertical(input, rowBytes, co.InputFirst, co, vector);

        // Assert
        Assert.Equal(scalar, vector);
    }

    [Fact]
    public void Coefficients_Bicubic4To2_MatchHandComputedPillowTaps()
    {
        // Output 0 of 4 -> 2: scale 2, support 4, centre 1.0, taps x = 0..3 at (x - 1 + 0.5) / 2 = -0.25, 0.25, 0.75, 1.25;
        // Keys a = -0.5 gives 0.8671875, 0.8671875, 0.2265625, -0.0703125, normalised by their sum 1.890625,
        // times 2^22 rounded half away from zero.
        var co = PilResampleCoefficients.Create(4, 2, 0, 2, ImageInterpolation.Bicubic);

        Assert.Equal(0, co.Bounds[0]);
        Assert.Equal(4, co.Bounds[1]);
        Assert.Equal(new[] { 1923834, 1923834, 502623, -155987 }, co.Weights[..4]);
    }
}
