using static TorchSharp.torch;

namespace MultiModal.Encoders.Checkpoints;

/// <summary>What a model expects of one state-dict entry: its shape and element type.</summary>
/// <param name="Shape">The dimensions; empty for a scalar.</param>
/// <param name="DType">The parameter's element type: any floating-point file dtype may fill a floating-point one; other types must match exactly.</param>
internal sealed record TensorSpec(long[] Shape, ScalarType DType);
