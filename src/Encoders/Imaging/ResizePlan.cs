namespace MultiModal.Encoders.Imaging;

/// <summary>
/// Where the square output lies on the resized image: output pixel (x, y) is resized pixel (x + OffsetX, y + OffsetY);
/// outside the resized image it is padding (value 0).
/// </summary>
internal readonly record struct ResizePlan(int ResizedWidth, int ResizedHeight, int OffsetX, int OffsetY)
{
    /// <summary>The plan of OpenCLIP's eval transform for a <paramref name="width"/> x <paramref name="height"/> image.</summary>
    public static ResizePlan Create(int width, int height, int size, ImageResizeMode mode)
    {
        int rw, rh;
        switch (mode)
        {
            case ImageResizeMode.Shortest:
                // torchvision 0.14 _compute_resized_output_size: new_long = int(size * long / short), float division.
                if (width <= height)
                {
                    rw = size;
                    rh = (int)((double)((long)size * height) / width);
                }
                else
                {
                    rh = size;
                    rw = (int)((double)((long)size * width) / height);
                }
                break;
            case ImageResizeMode.Squash:
                rw = rh = size;
                break;
            case ImageResizeMode.Longest:
            {
                // open_clip ResizeKeepRatio(longest=1): ratio = max(h / size, w / size); side = round(side / ratio)
                // with Python's round-half-even. A side rounded to 0 would make PIL raise; we keep 1 pixel.
                double ratio = Math.Max((double)height / size, (double)width / size);
                rh = Math.Max(1, (int)Math.Round(height / ratio, MidpointRounding.ToEven));
                rw = Math.Max(1, (int)Math.Round(width / ratio, MidpointRounding.ToEven));
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown resize mode.");
        }
        return new ResizePlan(rw, rh, CropOffset(rw, size), CropOffset(rh, size));
    }

    /// <summary>First resized index used by output position 0 and the count of output positions inside the resized image.</summary>
    public static (int OutFirst, int Count) Window(int resized, int offset, int size)
    {
        int first = Math.Max(0, -offset);
        int end = Math.Min(size, resized - offset);
        return (first, Math.Max(0, end - first));
    }

    /// <summary>
    /// torchvision center_crop / open_clip center_crop_or_pad on one axis: pad (size - n) // 2 on the leading side when
    /// the image is smaller, else crop at int(round((n - size) / 2.0)) with Python's round-half-even.
    /// </summary>
    private static int CropOffset(int resized, int size) =>
        size > resized ? -((size - resized) / 2) : (int)Math.Round((resized - size) / 2.0, MidpointRounding.ToEven);
}
