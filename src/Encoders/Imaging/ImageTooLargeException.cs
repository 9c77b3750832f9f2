namespace MultiModal.Encoders.Imaging;

/// <summary>The header claims more pixels than <see cref="ImagePreprocessOptions.MaxPixels"/> (a decompression-bomb guard); raised before any pixel is decoded.</summary>
public sealed class ImageTooLargeException : ImageDecodeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sourceName">The file path or caller-given name of the image.</param>
    /// <param name="width">Width declared by the header.</param>
    /// <param name="height">Height declared by the header.</param>
    /// <param name="maxPixels">The limit that was exceeded.</param>
    public ImageTooLargeException(string sourceName, long width, long height, long maxPixels)
        : base(sourceName, $"image is {width}x{height} = {width * height} pixels, more than the limit of {maxPixels} (possible decompression bomb)")
    {
        Width = width;
        Height = height;
        MaxPixels = maxPixels;
    }

    /// <summary>Width declared by the header.</summary>
    public long Width { get; }

    /// <summary>Height declared by the header.</summary>
    public long Height { get; }

    /// <summary>The pixel-count limit that was exceeded.</summary>
    public long MaxPixels { get; }
}
