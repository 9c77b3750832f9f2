using System.Buffers;

namespace MultiModal.Encoders.Imaging;

/// <summary>
/// torchvision's <c>F.resized_crop</c> on a PIL image: <c>img.crop(box)</c>, then <c>img.resize((S, S), filter)</c> in the
/// image's own mode, then (optionally) <c>transpose(FLIP_LEFT_RIGHT)</c>, then convert("RGB").
/// </summary>
/// <remarks>
/// Crop-then-resize is not Pillow's <c>resize(box=...)</c>: after a crop the filter support is clamped at the crop's
/// edges, whereas a box lets the taps read the neighbouring pixels outside it. The crop is copied out so the resize
/// sees exactly the cropped image, as PIL does.
/// </remarks>
internal static class PilCrop
{
    /// <summary>Writes the size x size x 3 RGB result (HWC) of cropping <paramref name="box"/> to <paramref name="rgb"/>.</summary>
    public static void ResizedCropToRgb(DecodedImage image, CropBox box, int size, ImageInterpolation filter, bool flipHorizontal, Span<byte> rgb)
    {
        rgb = rgb[..(size * size * 3)];
        if (box == CropBox.Full(image.Width, image.Height))
        {
            PilPipeline.ResizeCropToRgb(image, size, ImageResizeMode.Squash, filter, rgb);
        }
        else
        {
            int c = image.Channels;
            int rowBytes = box.Width * c;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(checked(rowBytes * box.Height));
            ReadOnlySpan<byte> pixels = image.Pixels;
            for (int y = 0; y < box.Height; y++)
            {
                pixels.Slice(((box.Top + y) * image.Width + box.Left) * c, rowBytes).CopyTo(buffer.AsSpan(y * rowBytes, rowBytes));
            }
            // FromPooled takes ownership and returns the buffer on dispose.
            using var cropped = DecodedImage.FromPooled(buffer, box.Width, box.Height, c, image.Mode, image.PadColor);
            PilPipeline.ResizeCropToRgb(cropped, size, ImageResizeMode.Squash, filter, rgb);
        }
        if (flipHorizontal)
        {
            FlipRows(rgb, size);
        }
    }

    /// <summary>PIL <c>transpose(FLIP_LEFT_RIGHT)</c> on size x size RGB pixels: mirrors each row in place.</summary>
    private static void FlipRows(Span<byte> rgb, int size)
    {
        for (int y = 0; y < size; y++)
        {
            Span<byte> row = rgb.Slice(y * size * 3, size * 3);
            for (int a = 0, b = size - 1; a < b; a++, b--)
            {
                for (int k = 0; k < 3; k++)
                {
                    (row[3 * a + k], row[3 * b + k]) = (row[3 * b + k], row[3 * a + k]);
                }
            }
        }
    }
}
