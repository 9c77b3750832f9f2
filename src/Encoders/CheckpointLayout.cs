namespace MultiModal.Encoders;

/// <summary>The on-disk model folder layouts that <see cref="ClipModel.Load"/> reads.</summary>
public enum CheckpointLayout
{
    /// <summary>OpenCLIP hub layout: <c>open_clip_config.json</c> + <c>open_clip_model.safetensors</c> (OpenAI key names).</summary>
    OpenClip,

    /// <summary>Hugging Face transformers CLIPModel layout: <c>config.json</c> + <c>model.safetensors</c>.</summary>
    HuggingFace,

    /// <summary>This library's own layout, written by <see cref="ClipModel.Save"/>: <c>multimodal_config.json</c> + <c>model.safetensors</c>.</summary>
    MultiModal,
}
