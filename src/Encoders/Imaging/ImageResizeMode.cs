namespace MultiModal.Encoders.Imaging;

/// <summary>How the image is brought to a square of <see cref="ImagePreprocessOptions.ImageSize"/>: OpenCLIP's <c>resize_mode</c>.</summary>
public enum ImageResizeMode
{
    /// <summary>Shorter side to the image size, then centre crop (torchvision <c>Resize(int)</c> + <c>CenterCrop</c>; OpenAI CLIP).</summary>
    Shortest = 0,

    /// <summary>Longer side to the image size keeping the aspect ratio, then centre pad with 0 (OpenCLIP <c>ResizeKeepRatio(longest=1)</c> + <c>CenterCropOrPad</c>).</summary>
    Longest = 1,

    /// <summary>Resize both sides to the image size, ignoring the aspect ratio (torchvision <c>Resize((size, size))</c>).</summary>
    Squash = 2,
}
