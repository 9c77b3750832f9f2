using TorchSharp;
using TorchSharp.Modules;
using MultiModal.Encoders.Config;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Layers;

/// <summary>
/// The pre-LayerNorm residual block of CLIP's towers: <c>x + attn(ln_1(x))</c>, then <c>x + mlp(ln_2(x))</c>.
/// One block class serves the image and the text tower.
/// </summary>
public sealed class ResidualAttentionBlock : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are state-dict keys (OpenAI CLIP's)
    private readonly LayerNorm ln_1;
    private readonly MultiHeadAttention attn;
    private readonly LayerNorm ln_2;
    private readonly Mlp mlp;
#pragma warning restore IDE1006

    /// <summary>Creates a block.</summary>
    public ResidualAttentionBlock(int width, int heads, int mlpWidth, Activation activation, bool causal) : base(nameof(ResidualAttentionBlock))
    {
        ln_1 = nn.LayerNorm(width, eps: 1e-5);
        attn = new MultiHeadAttention(width, heads, causal);
        ln_2 = nn.LayerNorm(width, eps: 1e-5);
        mlp = new Mlp(width, mlpWidth, activation);
        RegisterComponents();
    }

    /// <summary>Applies the block to <paramref name="x"/> [B, T, D].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // add(.., KeptScalars.One), not +: see KeptScalars.
        x = x.add(attn.forward(ln_1.forward(x)), KeptScalars.One);
        x = x.add(mlp.forward(ln_2.forward(x)), KeptScalars.One);
        return x.MoveToOuterDisposeScope();
    }
}
