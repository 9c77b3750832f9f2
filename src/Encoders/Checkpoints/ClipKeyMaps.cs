using MultiModal.Encoders.Config;
using MultiModal.Encoders.Models;

namespace MultiModal.Encoders.Checkpoints;

/// <summary>
/// Key maps from the external checkpoint formats onto this library's state-dict keys (<c>visual.*</c>,
/// <c>text.*</c>, <c>logit_scale</c>). One map per format; the loader applies them strictly.
/// </summary>
internal static class ClipKeyMaps
{
    /// <summary>This library's own keys, in a stable order (see <see cref="ClipStateShapes"/>).</summary>
    public static IReadOnlyList<string> InternalKeys(ClipConfig config) => [.. ClipStateShapes.Of(config).Select(s => s.Key)];

    /// <summary>The key map of <paramref name="layout"/>.</summary>
    public static IReadOnlyList<TensorRecipe> For(CheckpointLayout layout, ClipConfig config) => layout switch
    {
        CheckpointLayout.MultiModal => Own(config),
        CheckpointLayout.OpenClip => OpenAi(config),
        CheckpointLayout.HuggingFace => HuggingFace(config),
        _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, "Unknown checkpoint layout."),
    };

    /// <summary>This library's own format: every key as it is.</summary>
    public static IReadOnlyList<TensorRecipe> Own(ClipConfig config) =>
        [.. InternalKeys(config).Select(k => TensorRecipe.Copy(k, k))];

    /// <summary>
    /// OpenAI / OpenCLIP naming (<c>visual.*</c> for the image tower, text tower at the top level:
    /// <c>token_embedding.weight</c>, <c>transformer.resblocks.N.*</c>, <c>ln_final.*</c>, <c>text_projection</c>).
    /// </summary>
    public static IReadOnlyList<TensorRecipe> OpenAi(ClipConfig config) =>
        [.. InternalKeys(config).Select(k => TensorRecipe.Copy(k, k.StartsWith("text.", StringComparison.Ordinal) ? k["text.".Length..] : k))];

    /// <summary>
    /// Hugging Face transformers' CLIPModel naming. Separate q/k/v projections are packed into <c>in_proj</c>;
    /// <c>visual_projection.weight</c> and <c>text_projection.weight</c> are nn.Linear weights, i.e. the transposes of
    /// OpenAI's <c>visual.proj</c> and <c>text_projection</c> (transformers' convert_clip_original_pytorch_to_hf.py).
    /// </summary>
    public static IReadOnlyList<TensorRecipe> HuggingFace(ClipConfig config)
    {
        var map = new List<TensorRecipe>
        {
            TensorRecipe.Copy("visual.conv1.weight", "vision_model.embeddings.patch_embedding.weight"),
            TensorRecipe.Copy("visual.class_embedding", "vision_model.embeddings.class_embedding"),
            TensorRecipe.Copy("visual.positional_embedding", "vision_model.embeddings.position_embedding.weight"),
            TensorRecipe.Copy("visual.ln_pre.weight", "vision_model.pre_layrnorm.weight"), // sic: HF's spelling
            TensorRecipe.Copy("visual.ln_pre.bias", "vision_model.pre_layrnorm.bias"),
        };
        for (var i = 0; i < config.Vision.Layers; i++)
        {
            AddHfBlock(map, $"visual.transformer.resblocks.{i}.", $"vision_model.encoder.layers.{i}.");
        }
        map.Add(TensorRecipe.Copy("visual.ln_post.weight", "vision_model.post_layernorm.weight"));
        map.Add(TensorRecipe.Copy("visual.ln_post.bias", "vision_model.post_layernorm.bias"));
        map.Add(new TensorRecipe("visual.proj", ["visual_projection.weight"], RecipeKind.Transpose));
        map.Add(TensorRecipe.Copy("text.token_embedding.weight", "text_model.embeddings.token_embedding.weight"));
        map.Add(TensorRecipe.Copy("text.positional_embedding", "text_model.embeddings.position_embedding.weight"));
        for (var i = 0; i < config.Text.Layers; i++)
        {
            AddHfBlock(map, $"text.transformer.resblocks.{i}.", $"text_model.encoder.layers.{i}.");
        }
        map.Add(TensorRecipe.Copy("text.ln_final.weight", "text_model.final_layer_norm.weight"));
        map.Add(TensorRecipe.Copy("text.ln_final.bias", "text_model.final_layer_norm.bias"));
        map.Add(new TensorRecipe("text.text_projection", ["text_projection.weight"], RecipeKind.Transpose));
        map.Add(TensorRecipe.Copy("logit_scale", "logit_scale"));
        return map;
    }

    /// <summary>
    /// Checkpoint keys that carry no weights and are skipped: the int64 <c>position_ids</c> buffers that older
    /// transformers versions saved with CLIP checkpoints.
    /// </summary>
    public static bool IsIgnorable(string key) =>
        key is "text_model.embeddings.position_ids" or "vision_model.embeddings.position_ids";

    private static void AddHfBlock(List<TensorRecipe> map, string ours, string hf)
    {
        map.Add(TensorRecipe.Copy(ours + "ln_1.weight", hf + "layer_norm1.weight"));
        map.Add(TensorRecipe.Copy(ours + "ln_1.bias", hf + "layer_norm1.bias"));
        map.Add(new TensorRecipe(ours + "attn.in_proj_weight", [hf + "self_attn.q_proj.weight", hf + "self_attn.k_proj.weight", hf + "self_attn.v_proj.weight"], RecipeKind.Concat));
        map.Add(new TensorRecipe(ours + "attn.in_proj_bias", [hf + "self_attn.q_proj.bias", hf + "self_attn.k_proj.bias", hf + "self_attn.v_proj.bias"], RecipeKind.Concat));
        map.Add(TensorRecipe.Copy(ours + "attn.out_proj.weight", hf + "self_attn.out_proj.weight"));
        map.Add(TensorRecipe.Copy(ours + "attn.out_proj.bias", hf + "self_attn.out_proj.bias"));
        map.Add(TensorRecipe.Copy(ours + "ln_2.weight", hf + "layer_norm2.weight"));
        map.Add(TensorRecipe.Copy(ours + "ln_2.bias", hf + "layer_norm2.bias"));
        map.Add(TensorRecipe.Copy(ours + "mlp.c_fc.weight", hf + "mlp.fc1.weight"));
        map.Add(TensorRecipe.Copy(ours + "mlp.c_fc.bias", hf + "mlp.fc1.bias"));
        map.Add(TensorRecipe.Copy(ours + "mlp.c_proj.weight", hf + "mlp.fc2.weight"));
        map.Add(TensorRecipe.Copy(ours + "mlp.c_proj.bias", hf + "mlp.fc2.bias"));
    }
}
