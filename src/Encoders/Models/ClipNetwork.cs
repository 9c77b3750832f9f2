using TorchSharp;
using TorchSharp.Modules;
using MultiModal.Encoders.Config;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Models;

/// <summary>
/// The CLIP network as a TorchSharp module: <c>visual</c> (image tower), <c>text</c> (text tower) and the learnable
/// <c>logit_scale</c>. State-dict keys are this library's own (<c>visual.*</c>, <c>text.*</c>, <c>logit_scale</c>);
/// checkpoint adapters map OpenAI/OpenCLIP and Hugging Face names onto them. For host apps see
/// <see cref="ClipModel"/>.
/// </summary>
public sealed class ClipNetwork : nn.Module<Tensor, Tensor, ClipOutput>
{
#pragma warning disable IDE1006 // field names are state-dict keys
    private readonly VisionTransformer visual;
    private readonly TextTransformer text;
    private readonly Parameter logit_scale;
#pragma warning restore IDE1006

    /// <summary>Creates a randomly initialised network (OpenAI's initialisation; logit scale ln(1/0.07)).</summary>
    public ClipNetwork(ClipConfig config) : base(nameof(ClipNetwork))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        visual = new VisionTransformer(config.Vision, config.EmbedDim, config.Activation);
        text = new TextTransformer(config.Text, config.EmbedDim, config.Activation);
        logit_scale = nn.Parameter(tensor(MathF.Log(1f / 0.07f)));
        RegisterComponents();
    }

    /// <summary>The architecture.</summary>
    public ClipConfig Config { get; }

    /// <summary>The image tower.</summary>
    public VisionTransformer Visual => visual;

    /// <summary>The text tower.</summary>
    public TextTransformer Text => text;

    /// <summary>The learnable log temperature (the logits are multiplied by its exponential).</summary>
    public Parameter LogitScale => logit_scale;

    /// <summary>Creates a network with weights drawn from a seeded generator, for tests, benchmarks and training from scratch.</summary>
    public static ClipNetwork CreateRandom(ClipConfig config, long seed)
    {
        // TorchSharp's layer initialisers draw from the global generator, so seed it for this construction.
        random.manual_seed(seed);
        return new ClipNetwork(config);
    }

    /// <summary>Image embeddings [B, E] from normalised pixels [B, 3, S, S].</summary>
    public Tensor EncodeImage(Tensor pixels, bool normalize = true)
    {
        using var scope = NewDisposeScope();
        var features = visual.forward(pixels);
        return (normalize ? nn.functional.normalize(features, dim: -1) : features).MoveToOuterDisposeScope();
    }

    /// <summary>Text embeddings [B, E] from token ids [B, L].</summary>
    public Tensor EncodeText(Tensor tokens, bool normalize = true)
    {
        using var scope = NewDisposeScope();
        var features = text.forward(tokens);
        return (normalize ? nn.functional.normalize(features, dim: -1) : features).MoveToOuterDisposeScope();
    }

    /// <summary>Both towers and the scaled similarity logits.</summary>
    public override ClipOutput forward(Tensor pixels, Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var image = EncodeImage(pixels);
        var txt = EncodeText(tokens);
        var scale = logit_scale.exp();
        var logitsPerImage = scale * image.matmul(txt.t());
        var output = new ClipOutput(
            image.MoveToOuterDisposeScope(),
            txt.MoveToOuterDisposeScope(),
            logitsPerImage.MoveToOuterDisposeScope(),
            logitsPerImage.t().MoveToOuterDisposeScope(),
            scale.MoveToOuterDisposeScope());
        return output;
    }
}
