using System.Buffers;

namespace MultiModal.Encoders.Imaging;

/// <summary>
/// Resize + centre crop/pad + convert("RGB") of a <see cref="DecodedImage"/>, in the order PIL applies them:
/// the resize runs in the image's own mode, only the output window that survives the crop is computed.
/// </summary>
internal static class PilPipeline
{
    /// <summary>Writes the size x size x 3 RGB result (HWC) to <paramref name="rgb"/>.</summary>
    public static void ResizeCropToRgb(DecodedImage image, int size, ImageResizeMode resizeMode, ImageInterpolation filter, Span<byte> rgb)
    {
        var plan = ResizePlan.Create(image.Width, image.Height, size, resizeMode);
        var (outX, countX) = ResizePlan.Window(plan.ResizedWidth, plan.OffsetX, size);
        var (outY, countY) = ResizePlan.Window(plan.ResizedHeight, plan.OffsetY, size);
        rgb = rgb[..(size * size * 3)];
        if (countX < size || countY < size)
        {
            Fill(rgb, image.PadColor);
        }
        if (countX == 0 || countY == 0)
        {
            return;
        }
        int srcX = outX + plan.OffsetX; // first resized column/row used
        int srcY = outY + plan.OffsetY;
        if (image.Mode == PilMode.I)
        {
            ResizeCropInt32(image, plan, filter, srcX, srcY, countX, countY, outX, outY, size, rgb);
            return;
        }
        int c = image.Channels;
        Span<byte> pixels = image.Pixels;

        if (plan.ResizedWidth == image.Width && plan.ResizedHeight == image.Height)
        {
            // Image.resize returns a copy when the size is unchanged: no filter, no premultiplication.
            for (int y = 0; y < countY; y++)
            {
                var row = pixels.Slice(((srcY + y) * image.Width + srcX) * c, countX * c);
                ToRgb(row, c, rgb.Slice(((outY + y) * size + outX) * 3, countX * 3));
            }
            return;
        }

        if (image.Mode is PilMode.Palette or PilMode.Bilevel)
        {
            Nearest(image, plan, srcX, srcY, countX, countY, outX, outY, size, rgb);
            return;
        }

        var hco = PilResampleCoefficients.Create(image.Width, plan.ResizedWidth, srcX, countX, filter);
        var vco = PilResampleCoefficients.Create(image.Height, plan.ResizedHeight, srcY, countY, filter);
        bool needH = plan.ResizedWidth != image.Width;
        bool needV = plan.ResizedHeight != image.Height;
        // Rows of the source that the vertical pass reads (Resample.c ybox_first / ybox_last), or the crop rows.
        int rowFirst = needV ? vco.InputFirst : srcY;
        int rowEnd = needV ? vco.InputEnd : srcY + countY;
        bool premultiplied = image.Mode is PilMode.Rgba or PilMode.La;
        if (premultiplied)
        {
            // Image.resize converts RGBA → "RGBa" / LA → "La" (Convert.c rgbA2rgba / la2lA) before resampling.
            Premultiply(pixels.Slice(rowFirst * image.Width * c, (rowEnd - rowFirst) * image.Width * c), c);
        }

        int rowBytes = countX * c;
        byte[] tmp = ArrayPool<byte>.Shared.Rent((rowEnd - rowFirst) * rowBytes);
        byte[] outBuf = ArrayPool<byte>.Shared.Rent(countY * rowBytes);
        try
        {
            if (needH)
            {
                if (PilResamplerAvx2.IsSupported)
                {
                    PilResamplerAvx2.Horizontal(pixels, image.Width * c, c, rowFirst, rowEnd - rowFirst, hco, tmp);
                }
                else
                {
                    PilResampler.Horizontal(pixels, image.Width * c, c, rowFirst, rowEnd - rowFirst, hco, tmp);
                }
            }
            else
            {
                for (int y = rowFirst; y < rowEnd; y++)
                {
                    pixels.Slice((y * image.Width + srcX) * c, rowBytes).CopyTo(tmp.AsSpan((y - rowFirst) * rowBytes));
                }
            }
            Span<byte> window = outBuf.AsSpan(0, countY * rowBytes);
            if (needV)
            {
                if (PilResamplerAvx2.IsSupported)
                {
                    PilResamplerAvx2.Vertical(tmp, rowBytes, rowFirst, vco, window);
                }
                else
                {
                    PilResampler.Vertical(tmp, rowBytes, rowFirst, vco, window);
                }
            }
            else
            {
                tmp.AsSpan(0, countY * rowBytes).CopyTo(window);
            }
            if (premultiplied)
            {
                Unpremultiply(window, c);
            }
            for (int y = 0; y < countY; y++)
            {
                ToRgb(window.Slice(y * rowBytes, rowBytes), c, rgb.Slice(((outY + y) * size + outX) * 3, countX * 3));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(tmp);
            ArrayPool<byte>.Shared.Return(outBuf);
        }
    }

    /// <summary>
    /// Mode "I" (16-bit grey PNG): Pillow's 32-bit passes in integers, then convert("RGB") (Convert.c i2rgb), which clips
    /// each value to 0..255, so most of a full-range 16-bit image becomes white, as in PIL.
    /// </summary>
    private static void ResizeCropInt32(DecodedImage image, ResizePlan plan, ImageInterpolation filter,
        int srcX, int srcY, int countX, int countY, int outX, int outY, int size, Span<byte> rgb)
    {
        ReadOnlySpan<int> pixels = image.Int32Pixels;
        int w = image.Width;
        bool needH = plan.ResizedWidth != w;
        bool needV = plan.ResizedHeight != image.Height;
        var hco = needH ? PilResampleCoefficients.Create(w, plan.ResizedWidth, srcX, countX, filter, keepDoubles: true) : null;
        var vco = needV ? PilResampleCoefficients.Create(image.Height, plan.ResizedHeight, srcY, countY, filter, keepDoubles: true) : null;
        int rowFirst = vco?.InputFirst ?? srcY;
        int rowEnd = vco?.InputEnd ?? srcY + countY;
        int[] tmp = ArrayPool<int>.Shared.Rent((rowEnd - rowFirst) * countX);
        int[] window = ArrayPool<int>.Shared.Rent(countY * countX);
        try
        {
            if (hco is not null)
            {
                PilResamplerInt32.Horizontal(pixels, w, rowFirst, rowEnd - rowFirst, hco, tmp);
            }
            else
            {
                for (int y = rowFirst; y < rowEnd; y++)
                {
                    pixels.Slice(y * w + srcX, countX).CopyTo(tmp.AsSpan((y - rowFirst) * countX));
                }
            }
            if (vco is not null)
            {
                PilResamplerInt32.Vertical(tmp, countX, rowFirst, vco, window);
            }
            else
            {
                tmp.AsSpan(0, countY * countX).CopyTo(window);
            }
            for (int y = 0; y < countY; y++)
            {
                Span<byte> dst = rgb.Slice(((outY + y) * size + outX) * 3, countX * 3);
                for (int x = 0; x < countX; x++)
                {
                    int v = window[y * countX + x];
                    dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = (byte)Math.Clamp(v, 0, 255);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(tmp);
            ArrayPool<int>.Shared.Return(window);
        }
    }

    private static void Nearest(DecodedImage image, ResizePlan plan, int srcX, int srcY, int countX, int countY, int outX, int outY, int size, Span<byte> rgb)
    {
        int c = image.Channels;
        int[] xs = PilResampler.NearestIndices(image.Width, plan.ResizedWidth, srcX, countX);
        int[] ys = PilResampler.NearestIndices(image.Height, plan.ResizedHeight, srcY, countY);
        ReadOnlySpan<byte> pixels = image.Pixels;
        Rgb8 fill = image.PadColor; // ImagingScaleAffine leaves index 0 where a coordinate falls outside
        Span<byte> px = stackalloc byte[4];
        for (int y = 0; y < countY; y++)
        {
            Span<byte> dst = rgb.Slice(((outY + y) * size + outX) * 3, countX * 3);
            for (int x = 0; x < countX; x++)
            {
                if (ys[y] < 0 || xs[x] < 0)
                {
                    dst[3 * x] = fill.R;
                    dst[3 * x + 1] = fill.G;
                    dst[3 * x + 2] = fill.B;
                    continue;
                }
                ToRgb(pixels.Slice((ys[y] * image.Width + xs[x]) * c, c), c, dst.Slice(3 * x, 3));
            }
        }
    }

    /// <summary>convert("RGB"): grey replicated, alpha dropped without compositing.</summary>
    private static void ToRgb(ReadOnlySpan<byte> src, int channels, Span<byte> dst)
    {
        switch (channels)
        {
            case 3:
                src.CopyTo(dst);
                break;
            case 1:
            case 2:
                for (int i = 0, o = 0; i < src.Length; i += channels, o += 3)
                {
                    dst[o] = dst[o + 1] = dst[o + 2] = src[i];
                }
                break;
            default:
                for (int i = 0, o = 0; i < src.Length; i += 4, o += 3)
                {
                    dst[o] = src[i];
                    dst[o + 1] = src[i + 1];
                    dst[o + 2] = src[i + 2];
                }
                break;
        }
    }

    /// <summary>Convert.c MULDIV255: (a * b + 128) rounded division by 255, exact for bytes.</summary>
    private static byte MulDiv255(int a, int b)
    {
        int tmp = a * b + 128;
        return (byte)(((tmp >> 8) + tmp) >> 8);
    }

    private static void Premultiply(Span<byte> pixels, int channels)
    {
        int alpha = channels - 1;
        for (int i = 0; i < pixels.Length; i += channels)
        {
            int a = pixels[i + alpha];
            for (int k = 0; k < alpha; k++)
            {
                pixels[i + k] = MulDiv255(pixels[i + k], a);
            }
        }
    }

    /// <summary>
    /// Convert.c rgba2rgbA (RGBa → RGBA: alpha 0 or 255 keeps the colour) and lA2la (La → LA: alpha 0 gives 0);
    /// both divide with truncation and clip to 255.
    /// </summary>
    private static void Unpremultiply(Span<byte> pixels, int channels)
    {
        int alpha = channels - 1;
        for (int i = 0; i < pixels.Length; i += channels)
        {
            int a = pixels[i + alpha];
            if (a == 255)
            {
                continue;
            }
            if (a == 0)
            {
                if (channels == 2)
                {
                    pixels[i] = 0;
                }
                continue;
            }
            for (int k = 0; k < alpha; k++)
            {
                pixels[i + k] = (byte)Math.Min(255, 255 * pixels[i + k] / a);
            }
        }
    }

    private static void Fill(Span<byte> rgb, Rgb8 color)
    {
        if (color.R == color.G && color.G == color.B)
        {
            rgb.Fill(color.R);
            return;
        }
        for (int i = 0; i < rgb.Length; i += 3)
        {
            rgb[i] = color.R;
            rgb[i + 1] = color.G;
            rgb[i + 2] = color.B;
        }
    }
}
