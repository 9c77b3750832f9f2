namespace MultiModal.Encoders.Config;

/// <summary>Vision Transformer tower settings; field names mirror OpenCLIP's <c>vision_cfg</c>.</summary>
public sealed record VisionTowerConfig
{
    /// <summary>Square input resolution in pixels (<c>image_size</c>).</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>Number of residual attention blocks (<c>layers</c>).</summary>
    public int Layers { get; init; } = 12;

    /// <summary>Transformer width (<c>width</c>).</summary>
    public int Width { get; init; } = 768;

    /// <summary>Patch size of the stem convolution (<c>patch_size</c>).</summary>
    public int PatchSize { get; init; } = 16;

    /// <summary>Width of one attention head (<c>head_width</c>); heads = width / head_width.</summary>
    public int HeadWidth { get; init; } = 64;

    /// <summary>MLP hidden width as a multiple of <see cref="Width"/> (<c>mlp_ratio</c>).</summary>
    public double MlpRatio { get; init; } = 4.0;

    /// <summary>Number of attention heads.</summary>
    public int Heads => Width / HeadWidth;

    /// <summary>Hidden width of each MLP.</summary>
    public int MlpWidth => (int)(Width * MlpRatio);

    /// <summary>Patches per side.</summary>
    public int GridSize => ImageSize / PatchSize;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        Check.Positive(ImageSize, "vision_cfg.image_size");
        Check.Positive(Layers, "vision_cfg.layers");
        Check.Positive(Width, "vision_cfg.width");
        Check.Positive(PatchSize, "vision_cfg.patch_size");
        Check.Positive(HeadWidth, "vision_cfg.head_width");
        if (ImageSize % PatchSize != 0)
        {
            throw new ArgumentOutOfRangeException("vision_cfg.patch_size", PatchSize, $"image_size {ImageSize} is not a multiple of patch_size {PatchSize}.");
        }
        if (Width % HeadWidth != 0)
        {
            throw new ArgumentOutOfRangeException("vision_cfg.head_width", HeadWidth, $"width {Width} is not a multiple of head_width {HeadWidth}.");
        }
        if (!(MlpRatio > 0) || double.IsInfinity(MlpRatio))
        {
            throw new ArgumentOutOfRangeException("vision_cfg.mlp_ratio", MlpRatio, "mlp_ratio must be a positive finite number.");
        }
        Check.MlpWidth(Width, MlpRatio, "vision_cfg.mlp_ratio");
        // The positional embedding has grid² + 1 rows; past int.MaxValue the module's arithmetic would wrap.
        if (((long)GridSize * GridSize) + 1 > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException("vision_cfg.image_size", ImageSize, $"image_size {ImageSize} / patch_size {PatchSize} gives more than {int.MaxValue} positions.");
        }
    }
}
