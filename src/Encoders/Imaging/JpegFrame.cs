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

    /// <summary>libjpeg v_samp_factor as declared (kept for a lone component, whose H and V become 1): block rows per iMCU row.</summary>
    public int ImcuV;

    /// <summary>Progressive: libjpeg coef_bits per zig-zag index, -1 before any scan sent it, else the scan's Al.</summary>
    public int[] CoefBits = [];

    /// <summary>Progressive: coef_bits as they were before the latest scan of this component (libjpeg's second half).</summary>
    public int[] PrevCoefBits = [];

    /// <summary>libjpeg width_in_blocks / height_in_blocks: blocks holding samples (the rest is MCU padding).</summary>
    public int WidthInBlocks => (DownsampledWidth + 7) / 8;

    public int HeightInBlocks => (DownsampledHeight + 7) / 8;

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

    /// <summary>libjpeg total_iMCU_rows: ceil(height / (8 * declared max V)).</summary>
    public int ImcuRows;
    public JpegComponent[] Components = [];
}
