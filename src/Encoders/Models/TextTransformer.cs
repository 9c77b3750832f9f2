using TorchSharp;
using TorchSharp.Modules;
using MultiModal.Encoders.Config;
using MultiModal.Encoders.Layers;
using Transformer = MultiModal.Encoders.Layers.Transformer;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Models;

/// <summary>
/// CLIP's text tower (OpenAI CLIP model.py): token + positional embedding, causal residual attention blocks,
/// <c>ln_final</c>, pooling at the end-of-text token (the largest id in each row, as OpenAI's
/// <c>text.argmax(dim=-1)</c>), projection. Input: token ids [B, L ≤ context_length]; output: [B, embed_dim].
/// </summary>
public sealed class TextTransformer : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are state-dict keys (OpenAI CLIP's)
    private readonly Embedding token_embedding;
    private readonly Parameter positional_embedding;
    private readonly Transformer transformer;
    private readonly LayerNorm ln_final;
    private readonly Parameter text_projection;
#pragma warning restore IDE1006

    private readonly TextTowerConfig _config;

    /// <summary>Creates the tower with OpenAI's initialisation (weights are normally loaded afterwards).</summary>
    public TextTransformer(TextTowerConfig config, int embedDim, Activation activation) : base(nameof(TextTransformer))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        token_embedding = nn.Embedding(config.VocabSize, config.Width);
        nn.init.normal_(token_embedding.weight!, 0, 0.02);
        positional_embedding = nn.Parameter(randn(config.ContextLength, config.Width) * 0.01);
        transformer = new Transformer(config.Width, config.Layers, config.Heads, config.MlpWidth, activation, causal: true);
        ln_final = nn.LayerNorm(config.Width, eps: 1e-5);
        text_projection = nn.Parameter(randn(config.Width, embedDim) * Math.Pow(config.Width, -0.5));
        RegisterComponents();
    }

    /// <summary>The tower's settings.</summary>
    public TextTowerConfig Config => _config;

    /// <summary>Encodes token ids [B, L] (int64, L ≤ context length) into unnormalised embeddings [B, embed_dim].</summary>
    /// <exception cref="ArgumentException">The shape or dtype is wrong.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id lies outside the vocabulary.</exception>
    public override Tensor forward(Tensor tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.dim() != 2 || tokens.shape[1] < 1 || tokens.shape[1] > _config.ContextLength)
        {
            throw new ArgumentException($"Expected token ids of shape [B, L] with 1 ≤ L ≤ {_config.ContextLength}, got [{string.Join(", ", tokens.shape)}].", nameof(tokens));
        }
        if (tokens.dtype != ScalarType.Int64 && tokens.dtype != ScalarType.Int32)
        {
            throw new ArgumentException($"Token ids must be int64 or int32, got {tokens.dtype}.", nameof(tokens));
        }
        using var scope = NewDisposeScope();
        if (tokens.numel() > 0)
        {
            long min = tokens.min().item<long>(), max = tokens.max().item<long>();
            if (min < 0 || max >= _config.VocabSize)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), $"Token ids must lie in [0, {_config.VocabSize}); found {(min < 0 ? min : max)}.");
            }
        }
        var ids = tokens.to(ScalarType.Int64);
        long batch = ids.shape[0], length = ids.shape[1];
        var x = token_embedding.forward(ids).add(positional_embedding.narrow(0, 0, length), KeptScalars.One); // [B, L, W]
        x = transformer.forward(x);
        x = ln_final.forward(x);
        var eot = ids.argmax(-1).view(batch, 1, 1).expand(batch, 1, _config.Width);   // [B, 1, W]
        var pooled = x.gather(1, eot).squeeze(1);                                         // [B, W]
        return pooled.matmul(text_projection).MoveToOuterDisposeScope();                  // [B, E]
    }
}
