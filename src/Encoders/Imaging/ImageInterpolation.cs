namespace MultiModal.Encoders.Imaging;

/// <summary>Resampling filter of the resize step; both are Pillow's antialiased filters (support scaled when downscaling).</summary>
public enum ImageInterpolation
{
    /// <summary>Pillow BICUBIC (Keys cubic, a = -0.5, support 2): OpenAI CLIP's and OpenCLIP's default.</summary>
    Bicubic = 0,

    /// <summary>Pillow BILINEAR (triangle filter, support 1).</summary>
    Bilinear = 1,
}
