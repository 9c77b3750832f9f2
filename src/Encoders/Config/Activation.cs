namespace MultiModal.Encoders.Config;

/// <summary>The MLP activation of the transformer blocks.</summary>
/// <remarks>
/// OpenAI's CLIP weights were trained with QuickGELU (<c>x * sigmoid(1.702 x)</c>); loading them with exact GELU costs
/// about 2.7 points of ImageNet zero-shot accuracy, so the activation always comes from the checkpoint's config.
/// </remarks>
public enum Activation
{
    /// <summary>Exact GELU (erf form), as <c>torch.nn.GELU()</c>.</summary>
    Gelu,

    /// <summary>QuickGELU, <c>x * sigmoid(1.702 x)</c>, as OpenAI's CLIP.</summary>
    QuickGelu,
}
