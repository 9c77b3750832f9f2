namespace MultiModal.Encoders.Imaging;

/// <summary>
/// The passes of Pillow 9.4's resize for mode "I" (libImaging/Resample.c <c>ImagingResampleHorizontal_32bpc</c> /
/// <c>ImagingResampleVertical_32bpc</c>, <c>IMAGING_TYPE_INT32</c>): a double sum of pixel * weight in tap order with
/// the normalised double weights, rounded by <c>ROUND_UP</c>. Same operations in the same order, so the same integers.
/// </summary>
internal static class PilResamplerInt32
{
    /// <summary>
    /// Horizontal pass over source rows [<paramref name="rowFirst"/>, + <paramref name="rows"/>) of a
    /// <paramref name="srcWidth"/>-wide image: writes rows × co.Count values to <paramref name="dst"/>.
    /// </summary>
    public static void Horizontal(ReadOnlySpan<int> src, int srcWidth, int rowFirst, int rows, PilResampleCoefficients co, Span<int> dst)
    {
        int outWidth = co.Count, ksize = co.KernelSize;
        for (int yy = 0; yy < rows; yy++)
        {
            ReadOnlySpan<int> row = src.Slice((rowFirst + yy) * srcWidth, srcWidth);
            Span<int> outRow = dst.Slice(yy * outWidth, outWidth);
            for (int xx = 0; xx < outWidth; xx++)
            {
                int xmin = co.Bounds[2 * xx], n = co.Bounds[2 * xx + 1];
                ReadOnlySpan<double> k = co.Kernel.AsSpan(xx * ksize, n);
                double ss = 0.0;
                for (int x = 0; x < n; x++)
                {
                    ss += row[xmin + x] * k[x];
                }
                outRow[xx] = RoundUp(ss);
            }
        }
    }

    /// <summary>
    /// Vertical pass: output row i (0 ≤ i &lt; co.Count) mixes rows of <paramref name="src"/>, whose row 0 is input row
    /// <paramref name="rowOffset"/>; rows are <paramref name="width"/> values long in both buffers.
    /// </summary>
    public static void Vertical(ReadOnlySpan<int> src, int width, int rowOffset, PilResampleCoefficients co, Span<int> dst)
    {
        int ksize = co.KernelSize;
        for (int yy = 0; yy < co.Count; yy++)
        {
            int ymin = co.Bounds[2 * yy] - rowOffset, n = co.Bounds[2 * yy + 1];
            ReadOnlySpan<double> k = co.Kernel.AsSpan(yy * ksize, n);
            Span<int> outRow = dst.Slice(yy * width, width);
            for (int xx = 0; xx < width; xx++)
            {
                double ss = 0.0;
                for (int y = 0; y < n; y++)
                {
                    ss += src[(ymin + y) * width + xx] * k[y];
                }
                outRow[xx] = RoundUp(ss);
            }
        }
    }

    /// <summary>Resample.c ROUND_UP: <c>(int)((f) >= 0.0 ? (f) + 0.5F : (f) - 0.5F)</c>, the cast truncating toward zero.</summary>
    private static int RoundUp(double f) => (int)(f >= 0.0 ? f + 0.5f : f - 0.5f);
}
