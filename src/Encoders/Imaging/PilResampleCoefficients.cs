namespace MultiModal.Encoders.Imaging;

/// <summary>
/// Pillow 9.4's resampling coefficients (libImaging/Resample.c <c>precompute_coeffs</c>), as doubles for the 32-bit
/// modes and fixed-point (<c>normalize_coeffs_8bpc</c>) for the 8-bit ones, computed only for the output positions
/// [First, First + Count) that survive the crop.
/// </summary>
/// <remarks>
/// Each output position's taps depend only on its own centre, so computing a window of them gives the same integers
/// as Pillow computing all of them (which is also what Pillow's own <c>box</c> argument relies on).
/// </remarks>
internal sealed class PilResampleCoefficients
{
    /// <summary>Resample.c PRECISION_BITS = 32 - 8 - 2.</summary>
    internal const int PrecisionBits = 22;

    private PilResampleCoefficients(int first, int count, int kernelSize, int[] bounds, int[] weights, double[] kernel)
    {
        First = first;
        Count = count;
        KernelSize = kernelSize;
        Bounds = bounds;
        Weights = weights;
        Kernel = kernel;
    }

    /// <summary>First output position covered.</summary>
    public int First { get; }

    /// <summary>Number of output positions covered.</summary>
    public int Count { get; }

    /// <summary>Taps reserved per output position (Pillow's <c>ksize</c>).</summary>
    public int KernelSize { get; }

    /// <summary>Pairs (first input index, number of taps) per covered output position.</summary>
    public int[] Bounds { get; }

    /// <summary>Count * KernelSize fixed-point weights (scaled by 2^22, rounded half away from zero).</summary>
    public int[] Weights { get; }

    /// <summary>
    /// The same Count * KernelSize weights as normalised doubles, which the 32-bit ("I", "F") passes use; empty unless
    /// asked for.
    /// </summary>
    public double[] Kernel { get; }

    /// <summary>First input index used by any covered position.</summary>
    public int InputFirst => Bounds[0];

    /// <summary>One past the last input index used by any covered position.</summary>
    public int InputEnd => Bounds[2 * (Count - 1)] + Bounds[2 * (Count - 1) + 1];

    /// <summary>Coefficients of a resize <paramref name="inSize"/> → <paramref name="outSize"/> for outputs [first, first + count).</summary>
    /// <param name="inSize">Input length.</param>
    /// <param name="outSize">Output length.</param>
    /// <param name="first">First output position needed.</param>
    /// <param name="count">Output positions needed.</param>
    /// <param name="filter">Resampling filter.</param>
    /// <param name="keepDoubles">Also keep <see cref="Kernel"/>, for the 32-bit passes.</param>
    public static PilResampleCoefficients Create(int inSize, int outSize, int first, int count, ImageInterpolation filter, bool keepDoubles = false)
    {
        if (count < 1 || first < 0 || first + count > outSize)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"window [{first}, {first + count}) outside [0, {outSize})");
        }
        double filterSupport = filter == ImageInterpolation.Bicubic ? 2.0 : 1.0;

        // Resample.c: box is float (in0 = 0, in1 = inSize), scale = (double)(in1 - in0) / outSize.
        float in1 = inSize;
        double scale = (double)(in1 - 0f) / outSize;
        double filterScale = scale < 1.0 ? 1.0 : scale; // antialias: widen the filter when downscaling
        double support = filterSupport * filterScale;
        int kernelSize = (int)Math.Ceiling(support) * 2 + 1;
        double ss = 1.0 / filterScale;

        var bounds = new int[2 * count];
        var weights = new int[count * kernelSize];
        double[] kernel = keepDoubles ? new double[count * kernelSize] : [];
        Span<double> scratch = !keepDoubles && kernelSize <= 256 ? stackalloc double[kernelSize] : default;
        if (!keepDoubles && kernelSize > 256)
        {
            scratch = new double[kernelSize];
        }
        for (int i = 0; i < count; i++)
        {
            Span<double> k = keepDoubles ? kernel.AsSpan(i * kernelSize, kernelSize) : scratch;
            int xx = first + i;
            double center = 0.0 + (xx + 0.5) * scale;
            double ww = 0.0;
            int xmin = (int)(center - support + 0.5); // C cast: truncation toward zero
            if (xmin < 0)
            {
                xmin = 0;
            }
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize)
            {
                xmax = inSize;
            }
            xmax -= xmin;
            for (int x = 0; x < xmax; x++)
            {
                double w = Filter(filter, (x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++)
            {
                if (ww != 0.0)
                {
                    k[x] /= ww;
                }
            }
            int row = i * kernelSize;
            for (int x = 0; x < xmax; x++)
            {
                // normalize_coeffs_8bpc: round half away from zero via a C cast.
                weights[row + x] = k[x] < 0
                    ? (int)(-0.5 + k[x] * (1 << PrecisionBits))
                    : (int)(0.5 + k[x] * (1 << PrecisionBits));
            }
            bounds[2 * i] = xmin;
            bounds[2 * i + 1] = xmax;
        }
        return new PilResampleCoefficients(first, count, kernelSize, bounds, weights, kernel);
    }

    private static double Filter(ImageInterpolation filter, double x)
    {
        if (x < 0.0)
        {
            x = -x;
        }
        if (filter == ImageInterpolation.Bilinear)
        {
            return x < 1.0 ? 1.0 - x : 0.0;
        }
        // bicubic_filter with a = -0.5 (Keys); same evaluation order as Resample.c so doubles match bit for bit.
        const double a = -0.5;
        if (x < 1.0)
        {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0)
        {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }
}
