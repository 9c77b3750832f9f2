using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Layers;

/// <summary>
/// Multi-head attention with one packed input projection, as <c>torch.nn.MultiheadAttention</c> (and so OpenAI's CLIP
/// checkpoints) stores it: <c>in_proj_weight</c> [3·D, D], <c>in_proj_bias</c> [3·D], <c>out_proj</c>. Batch-first.
/// The one attention implementation of the library: self-attention (optionally causal) and cross-attention.
/// </summary>
public sealed class MultiHeadAttention : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are state-dict keys (torch.nn.MultiheadAttention's)
    private readonly Parameter in_proj_weight;
    private readonly Parameter in_proj_bias;
    private readonly Linear out_proj;
#pragma warning restore IDE1006

    private readonly int _width;
    private readonly int _heads;
    private readonly bool _causal;

    /// <summary>Creates an attention layer.</summary>
    /// <param name="width">Model width D.</param>
    /// <param name="heads">Number of heads; must divide <paramref name="width"/>.</param>
    /// <param name="causal">Whether self-attention masks future positions (text tower).</param>
    public MultiHeadAttention(int width, int heads, bool causal = false) : base(nameof(MultiHeadAttention))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        if (width % heads != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(heads), heads, $"width {width} is not a multiple of heads {heads}.");
        }
        _width = width;
        _heads = heads;
        _causal = causal;
        // Initialisation as torch.nn.MultiheadAttention: xavier-uniform packed projection, zero biases.
        in_proj_weight = nn.Parameter(nn.init.xavier_uniform_(empty(3 * width, width)));
        in_proj_bias = nn.Parameter(zeros(3 * width));
        out_proj = nn.Linear(width, width);
        nn.init.zeros_(out_proj.bias!);
        RegisterComponents();
    }

    /// <summary>Self-attention over <paramref name="x"/> [B, T, D].</summary>
    public override Tensor forward(Tensor x) => Attend(x, null, null);

    /// <summary>
    /// Attention of <paramref name="query"/> [B, Tq, D] over <paramref name="keyValue"/> [B, Tk, D] (self-attention
    /// when null), with an optional additive or boolean mask broadcastable to [B, heads, Tq, Tk].
    /// </summary>
    public Tensor Attend(Tensor query, Tensor? keyValue, Tensor? mask)
    {
        if (_causal && keyValue is null && mask is not null)
        {
            throw new ArgumentException("A causal attention layer takes no explicit mask.", nameof(mask));
        }
        using var scope = NewDisposeScope();
        long batch = query.shape[0], tq = query.shape[1];
        Tensor q, k, v;
        if (keyValue is null)
        {
            var qkv = nn.functional.linear(query, in_proj_weight, in_proj_bias).chunk(3, -1); // 3 × [B, T, D]
            (q, k, v) = (qkv[0], qkv[1], qkv[2]);
        }
        else
        {
            var w = in_proj_weight.split([_width, 2 * _width], 0);
            var b = in_proj_bias.split([_width, 2 * _width], 0);
            q = nn.functional.linear(query, w[0], b[0]);
            var kv = nn.functional.linear(keyValue, w[1], b[1]).chunk(2, -1);
            (k, v) = (kv[0], kv[1]);
        }
        long headDim = _width / _heads;
        q = q.view(batch, tq, _heads, headDim).transpose(1, 2);          // [B, H, Tq, hd]
        k = k.view(batch, k.shape[1], _heads, headDim).transpose(1, 2);  // [B, H, Tk, hd]
        v = v.view(batch, v.shape[1], _heads, headDim).transpose(1, 2);  // [B, H, Tk, hd]
        var attended = nn.functional.scaled_dot_product_attention(q, k, v, mask, 0.0, _causal && keyValue is null && mask is null);
        var merged = attended.transpose(1, 2).reshape(batch, tq, _width); // [B, Tq, D]
        return out_proj.forward(merged).MoveToOuterDisposeScope();
    }
}
