using TorchSharp;
using TorchSharp.Modules;
using MultiModal.Encoders.Config;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Layers;

/// <summary>A stack of <see cref="ResidualAttentionBlock"/>s (<c>resblocks.N</c>).</summary>
public sealed class Transformer : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are state-dict keys (OpenAI CLIP's)
    private readonly ModuleList<ResidualAttentionBlock> resblocks;
#pragma warning restore IDE1006

    /// <summary>Creates <paramref name="layers"/> blocks.</summary>
    public Transformer(int width, int layers, int heads, int mlpWidth, Activation activation, bool causal) : base(nameof(Transformer))
    {
        resblocks = new ModuleList<ResidualAttentionBlock>();
        for (var i = 0; i < layers; i++)
        {
            resblocks.Add(new ResidualAttentionBlock(width, heads, mlpWidth, activation, causal));
        }
        RegisterComponents();
    }

    /// <summary>Number of blocks.</summary>
    public int Layers => resblocks.Count;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var block in resblocks)
        {
            x = block.forward(x);
        }
        return x.MoveToOuterDisposeScope();
    }
}
