using TorchSharp;
using TorchSharp.Modules;
using MultiModal.Encoders.Config;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Layers;

/// <summary>The transformer MLP: <c>c_fc</c> → activation → <c>c_proj</c> (OpenAI's key names).</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are state-dict keys (OpenAI CLIP's)
    private readonly Linear c_fc;
    private readonly Linear c_proj;
#pragma warning restore IDE1006
    private readonly Activation _activation;

    /// <summary>Creates the MLP.</summary>
    public Mlp(int width, int hiddenWidth, Activation activation) : base(nameof(Mlp))
    {
        c_fc = nn.Linear(width, hiddenWidth);
        c_proj = nn.Linear(hiddenWidth, width);
        _activation = activation;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = c_fc.forward(x);
        h = _activation == Activation.QuickGelu
            ? h * nn.functional.sigmoid(h.mul(KeptScalars.QuickGeluScale)) // QuickGELU, OpenAI CLIP model.py
            : nn.functional.gelu(h);
        return c_proj.forward(h).MoveToOuterDisposeScope();
    }
}
