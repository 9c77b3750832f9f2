using TorchSharp;
using TorchSharp.Modules;
using MultiModal.Encoders.Config;
using MultiModal.Encoders.Layers;
using Transformer = MultiModal.Encoders.Layers.Transformer;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Models;

/// <summary>
/// CLIP's Vision Transformer image tower (OpenAI CLIP model.py): patch convolution, class token, positional
/// embedding, <c>ln_pre</c>, residual attention blocks, <c>ln_post</c> on the class token, projection.
/// Input: normalised pixels [B, 3, S, S]; output: unnormalised image embeddings [B, embed_dim].
/// </summary>
public sealed class VisionTransformer : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are state-dict keys (OpenAI CLIP's)
    private readonly Conv2d conv1;
    private readonly Parameter class_embedding;
    private readonly Parameter positional_embedding;
    private readonly LayerNorm ln_pre;
    private readonly Transformer transformer;
    private readonly LayerNorm ln_post;
    private readonly Parameter proj;
#pragma warning restore IDE1006

    private readonly VisionTowerConfig _config;

    /// <summary>Creates the tower with OpenAI's initialisation (weights are normally loaded afterwards).</summary>
    public VisionTransformer(VisionTowerConfig config, int embedDim, Activation activation) : base(nameof(VisionTransformer))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        int width = config.Width;
        double scale = Math.Pow(width, -0.5);
        conv1 = nn.Conv2d(3, width, kernel_size: config.PatchSize, stride: config.PatchSize, bias: false);
        class_embedding = nn.Parameter(randn(width) * scale);
        positional_embedding = nn.Parameter(randn(config.GridSize * config.GridSize + 1, width) * scale);
        ln_pre = nn.LayerNorm(width, eps: 1e-5);
        transformer = new Transformer(width, config.Layers, config.Heads, config.MlpWidth, activation, causal: false);
        ln_post = nn.LayerNorm(width, eps: 1e-5);
        proj = nn.Parameter(randn(width, embedDim) * scale);
        RegisterComponents();
    }

    /// <summary>The tower's settings.</summary>
    public VisionTowerConfig Config => _config;

    /// <summary>Encodes normalised pixels [B, 3, S, S] into unnormalised embeddings [B, embed_dim].</summary>
    /// <exception cref="ArgumentException">The pixel tensor does not have the shape [B, 3, S, S] for this tower's S.</exception>
    public override Tensor forward(Tensor pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        int size = _config.ImageSize;
        if (pixels.dim() != 4 || pixels.shape[1] != 3 || pixels.shape[2] != size || pixels.shape[3] != size)
        {
            throw new ArgumentException($"Expected pixels of shape [B, 3, {size}, {size}], got [{string.Join(", ", pixels.shape)}].", nameof(pixels));
        }
        using var scope = NewDisposeScope();
        long batch = pixels.shape[0];
        var x = conv1.forward(pixels.to(conv1.weight!.dtype));                 // [B, W, g, g]
        x = x.flatten(2).transpose(1, 2);                                       // [B, g*g, W]
        var cls = class_embedding.to(x.dtype).expand(batch, 1, _config.Width); // [B, 1, W]
        x = cat([cls, x], 1).add(positional_embedding, KeptScalars.One);       // [B, g*g+1, W]
        x = ln_pre.forward(x);
        x = transformer.forward(x);
        x = ln_post.forward(x.select(1, 0));                                    // [B, W] class token
        return x.matmul(proj).MoveToOuterDisposeScope();                        // [B, E]
    }
}
