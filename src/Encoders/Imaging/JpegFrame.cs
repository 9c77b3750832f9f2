namespace MultiModal.Encoders.Imaging;

/// <summary>One colour component of a JPEG frame: sampling, tables and its whole coefficient array.</summary>
internal sealed class JpegComponent
{
    public int Id;
    public int H;
    public int V;
    public int QuantTable;
    public int DcTable;
    public int AcTable;
    public int Predictor;

    /// <summary>Blocks per row / column of the coefficient array (whole MCUs).</summary>
    public int BlocksPerLine;
    public int BlocksPerColumn;

    /// <summary>libjpeg downsampled_width / downsampled_height: ceil(image size * factor / max factor).</summary>
    public int DownsampledWidth;
    public int DownsampledHeight;

    /// <summary>64 natural-order coefficients per block, block rows of BlocksPerLine.</summary>
    public short[] Coefficients = [];

    public Span<short> Block(int row, int col) => Coefficients.AsSpan((row * BlocksPerLine + col) * 64, 64);
}

/// <summary>The parsed SOF header and what decoding needs across scans.</summary>
internal sealed class JpegFrame
{
    public bool Progressive;
    public int Width;
    public int Height;
    public int MaxH;
    public int MaxV;
    public int McusPerLine;
    public int McusPerColumn;
    public JpegComponent[] Components = [];
}
