namespace MultiModal.Encoders.Config;

/// <summary>
/// A CLIP architecture: the two towers, the shared embedding width and the activation. Mirrors OpenCLIP's
/// <c>model_cfg</c> (see <see cref="OpenClipConfigJson"/> for the JSON form).
/// </summary>
public sealed record ClipConfig
{
    /// <summary>Width of the joint embedding space (<c>embed_dim</c>).</summary>
    public int EmbedDim { get; init; } = 512;

    /// <summary>MLP activation; <see cref="Activation.QuickGelu"/> for OpenAI weights (<c>quick_gelu</c>).</summary>
    public Activation Activation { get; init; } = Activation.Gelu;

    /// <summary>The image tower.</summary>
    public VisionTowerConfig Vision { get; init; } = new();

    /// <summary>The text tower.</summary>
    public TextTowerConfig Text { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        Check.Positive(EmbedDim, "embed_dim");
        if (!Enum.IsDefined(Activation))
        {
            throw new ArgumentOutOfRangeException("quick_gelu", Activation, "Unknown activation.");
        }
        ArgumentNullException.ThrowIfNull(Vision, "vision_cfg");
        ArgumentNullException.ThrowIfNull(Text, "text_cfg");
        Vision.Validate();
        Text.Validate();
    }
}
