namespace MultiModal.Training.Config;

/// <summary>The kind of model to train (JSON: <c>clip</c>, <c>dual</c>).</summary>
public enum ModelKind
{
    /// <summary>A TorchSharp CLIP network (<c>ClipNetwork</c>): from a named architecture (random weights) or a model folder.</summary>
    Clip,

    /// <summary>A projected dual encoder: frozen external towers plus trainable linear heads, trained on cached features.</summary>
    Dual,
}
