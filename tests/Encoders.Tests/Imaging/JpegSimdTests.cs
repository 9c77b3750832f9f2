using MultiModal.Encoders.Imaging;

namespace MultiModal.Encoders.Tests.Imaging;

/// <summary>The AVX2 JPEG kernels must give the scalar (libjpeg-turbo C) code's bytes exactly, on random inputs.</summary>
public sealed class JpegSimdTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(0.9)]
    [InlineData(1.0)]
    public void IdctAvx2_RandomBlocks_EqualsScalar(double density)
    {
        if (!JpegIdctAvx2.IsSupported)
        {
            return; // nothing to compare on this machine
        }
        // Arrange: coefficient magnitudes up to the 8-bit baseline limit, some blocks DC-only (density 0).
        var random = new Random(5);
        var coef = new short[64];
        var quant = new ushort[64];
        const int stride = 13;
        var scalar = new byte[8 * stride];
        var vector = new byte[8 * stride];
        for (int trial = 0; trial < 2000; trial++)
        {
            for (int k = 0; k < 64; k++)
            {
                quant[k] = (ushort)random.Next(1, 256);
                int limit = trial % 3 == 0 ? 2048 : 64;
                coef[k] = (short)(k == 0 || random.NextDouble() < density ? random.Next(-limit, limit) / Math.Max(1, quant[k] / 8) : 0);
            }

            // Act
            JpegIdct.TransformScalar(coef, quant, scalar, stride);
            JpegIdctAvx2.Transform(coef, quant, vector, stride);

            // Assert: only the 8 x 8 written bytes are compared (the stride gap is untouched by both).
            Assert.Equal(scalar, vector);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(640)]
    public void YccToRgb_RandomRow_EqualsTables(int count)
    {
        var random = new Random(count);
        byte[] y = Bytes(random, count), cb = Bytes(random, count), cr = Bytes(random, count);
        var scalar = new byte[3 * count];
        var vector = new byte[3 * count];

        JpegDecoder.YccToRgb(y, cb, cr, scalar, count, allowVector: false);
        JpegDecoder.YccToRgb(y, cb, cr, vector, count);

        Assert.Equal(scalar, vector);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(34)]
    [InlineData(320)]
    public void FancyUpsampling_RandomRows_EqualsScalar(int n)
    {
        var random = new Random(n);
        byte[] near = Bytes(random, n), far = Bytes(random, n);
        var scalar = new byte[2 * n];
        var vector = new byte[2 * n];

        JpegDecoder.H2V2Fancy(near, far, scalar, allowVector: false);
        JpegDecoder.H2V2Fancy(near, far, vector);
        Assert.Equal(scalar, vector);

        JpegDecoder.H2V1Fancy(near, scalar, allowVector: false);
        JpegDecoder.H2V1Fancy(near, vector);
        Assert.Equal(scalar, vector);
    }

    private static byte[] Bytes(Random random, int n)
    {
        var bytes = new byte[n];
        random.NextBytes(bytes);
        return bytes;
    }
}
