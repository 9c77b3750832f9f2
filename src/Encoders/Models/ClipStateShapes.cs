using MultiModal.Encoders.Config;

namespace MultiModal.Encoders.Models;

/// <summary>
/// The state dict a <see cref="ClipNetwork"/> built from a config would have — every key and shape, in a stable order
/// (vision, text, logit scale) — derived from the config alone, without building (or allocating) anything. Loaders compare a checkpoint's
/// header with it before constructing the network, so a config that declares a huge model fails on its header instead
/// of allocating gigabytes first.
/// </summary>
/// <remarks>
/// Mirrors the constructors of <see cref="VisionTransformer"/>, <see cref="TextTransformer"/> and the shared layers
/// (<c>Conv2d</c> without bias, packed <c>in_proj</c> [3W, W], <c>Linear</c> weights [out, in]). A test compares it
/// with a real network's <c>state_dict()</c>, so the two cannot drift apart unnoticed. TorchSharp 0.107 can build on
/// the meta device, but only through the process-wide <c>torch.set_default_device</c>, which would leak into
/// concurrent loads on other threads; a pure function has no such hazard.
/// </remarks>
internal static class ClipStateShapes
{
    private const int TensorsPerBlock = 12;

    /// <summary>Every state-dict key of the network with its shape: vision tower, text tower, logit scale.</summary>
    public static IReadOnlyList<(string Key, long[] Shape)> Of(ClipConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var v = config.Vision;
        var t = config.Text;
        long e = config.EmbedDim;
        var shapes = new List<(string, long[])>((int)Math.Min(TensorCount(config), 1 << 16))
        {
            ("visual.conv1.weight", [v.Width, 3, v.PatchSize, v.PatchSize]),
            ("visual.class_embedding", [v.Width]),
            ("visual.positional_embedding", [((long)v.GridSize * v.GridSize) + 1, v.Width]),
            ("visual.ln_pre.weight", [v.Width]),
            ("visual.ln_pre.bias", [v.Width]),
        };
        AddBlocks(shapes, "visual.transformer.resblocks.", v.Layers, v.Width, v.MlpWidth);
        shapes.Add(("visual.ln_post.weight", [v.Width]));
        shapes.Add(("visual.ln_post.bias", [v.Width]));
        shapes.Add(("visual.proj", [v.Width, e]));
        shapes.Add(("text.token_embedding.weight", [t.VocabSize, t.Width]));
        shapes.Add(("text.positional_embedding", [t.ContextLength, t.Width]));
        AddBlocks(shapes, "text.transformer.resblocks.", t.Layers, t.Width, t.MlpWidth);
        shapes.Add(("text.ln_final.weight", [t.Width]));
        shapes.Add(("text.ln_final.bias", [t.Width]));
        shapes.Add(("text.text_projection", [t.Width, e]));
        shapes.Add(("logit_scale", []));
        return shapes;
    }

    /// <summary>How many tensors <see cref="Of"/> lists, computed without listing them.</summary>
    public static long TensorCount(ClipConfig config) =>
        5 + ((long)TensorsPerBlock * config.Vision.Layers) + 3 + 2 + ((long)TensorsPerBlock * config.Text.Layers) + 3 + 1;

    /// <summary>The network's parameter count, computed without listing the tensors (exact; no overflow for any valid config).</summary>
    public static Int128 ParameterCount(ClipConfig config)
    {
        var v = config.Vision;
        var t = config.Text;
        Int128 e = config.EmbedDim;
        Int128 vw = v.Width, tw = t.Width;
        var vision = (vw * 3 * v.PatchSize * v.PatchSize) + vw + ((((Int128)v.GridSize * v.GridSize) + 1) * vw) + (2 * vw)
            + (v.Layers * BlockParameters(v.Width, v.MlpWidth)) + (2 * vw) + (vw * e);
        var text = ((Int128)t.VocabSize * tw) + ((Int128)t.ContextLength * tw)
            + (t.Layers * BlockParameters(t.Width, t.MlpWidth)) + (2 * tw) + (tw * e);
        return vision + text + 1;
    }

    // ln_1 (2W) + in_proj (3W·W + 3W) + out_proj (W·W + W) + ln_2 (2W) + c_fc (M·W + M) + c_proj (W·M + W)
    private static Int128 BlockParameters(Int128 w, Int128 m) => (2 * w) + (3 * w * w) + (3 * w) + (w * w) + w + (2 * w) + (m * w) + m + (w * m) + w;

    private static void AddBlocks(List<(string, long[])> shapes, string prefix, int layers, long width, long mlp)
    {
        for (var i = 0; i < layers; i++)
        {
            var p = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".";
            shapes.Add((p + "ln_1.weight", [width]));
            shapes.Add((p + "ln_1.bias", [width]));
            shapes.Add((p + "attn.in_proj_weight", [3 * width, width]));
            shapes.Add((p + "attn.in_proj_bias", [3 * width]));
            shapes.Add((p + "attn.out_proj.weight", [width, width]));
            shapes.Add((p + "attn.out_proj.bias", [width]));
            shapes.Add((p + "ln_2.weight", [width]));
            shapes.Add((p + "ln_2.bias", [width]));
            shapes.Add((p + "mlp.c_fc.weight", [mlp, width]));
            shapes.Add((p + "mlp.c_fc.bias", [mlp]));
            shapes.Add((p + "mlp.c_proj.weight", [width, mlp]));
            shapes.Add((p + "mlp.c_proj.bias", [width]));
        }
    }
}
