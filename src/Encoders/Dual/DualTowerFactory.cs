namespace MultiModal.Encoders.Dual;

/// <summary>
/// Builds the frozen towers named in a <c>dual_encoder.json</c> (for example <c>onnx-resnet18</c> and
/// <c>onnx-minilm-l6</c>). The towers must return raw (unnormalised) features when asked with
/// <c>normalize: false</c>.
/// </summary>
/// <param name="CreateImageTower">Image tower by name; throw <see cref="NotSupportedException"/> for unknown names.</param>
/// <param name="CreateTextTower">Text tower by name; throw <see cref="NotSupportedException"/> for unknown names.</param>
public sealed record DualTowerFactory(Func<string, IImageEncoder> CreateImageTower, Func<string, ITextEncoder> CreateTextTower);
