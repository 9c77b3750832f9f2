namespace MultiModal.Encoders.Imaging;

/// <summary>
/// A rectangle of source pixels: columns [<see cref="Left"/>, Left + <see cref="Width"/>) and rows
/// [<see cref="Top"/>, Top + <see cref="Height"/>). torchvision's <c>(i, j, h, w)</c> crop parameters are
/// <c>(Top, Left, Height, Width)</c>; PIL's <c>crop</c> box is <c>(Left, Top, Left + Width, Top + Height)</c>.
/// </summary>
/// <param name="Left">First column (torchvision's <c>j</c>).</param>
/// <param name="Top">First row (torchvision's <c>i</c>).</param>
/// <param name="Width">Columns in the box (torchvision's <c>w</c>), at least 1.</param>
/// <param name="Height">Rows in the box (torchvision's <c>h</c>), at least 1.</param>
public readonly record struct CropBox(int Left, int Top, int Width, int Height)
{
    /// <summary>The whole <paramref name="width"/> x <paramref name="height"/> image.</summary>
    public static CropBox Full(int width, int height) => new(0, 0, width, height);

    /// <summary>Whether the box is non-empty and lies inside a <paramref name="imageWidth"/> x <paramref name="imageHeight"/> image.</summary>
    public bool FitsInside(int imageWidth, int imageHeight) =>
        Left >= 0 && Top >= 0 && Width >= 1 && Height >= 1
        && (long)Left + Width <= imageWidth && (long)Top + Height <= imageHeight;

    /// <inheritdoc/>
    public override string ToString() => $"(left {Left}, top {Top}, {Width}x{Height})";
}
