namespace MultiModal.Encoders.Imaging;

/// <summary>One value per colour channel, in R, G, B order (normalisation mean or standard deviation).</summary>
/// <param name="Red">Value for the red channel.</param>
/// <param name="Green">Value for the green channel.</param>
/// <param name="Blue">Value for the blue channel.</param>
public readonly record struct RgbValues(float Red, float Green, float Blue)
{
    /// <summary>The value of channel <paramref name="channel"/> (0 = red, 1 = green, 2 = blue).</summary>
    /// <param name="channel">Channel index in [0, 3).</param>
    public float this[int channel] => channel switch
    {
        0 => Red,
        1 => Green,
        2 => Blue,
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "channel must be 0, 1 or 2"),
    };
}
