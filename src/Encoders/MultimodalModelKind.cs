namespace MultiModal.Encoders;

/// <summary>The kinds of model folder <see cref="MultimodalModels"/> opens.</summary>
public enum MultimodalModelKind
{
    /// <summary>A CLIP checkpoint for the TorchSharp towers (<see cref="ClipModel"/>).</summary>
    Clip,

    /// <summary>An ONNX CLIP export (<see cref="Onnx.OnnxClipModel"/>).</summary>
    OnnxClip,

    /// <summary>Frozen towers plus trained projection heads (<see cref="Dual.ProjectedDualEncoder"/>).</summary>
    DualEncoder,
}
