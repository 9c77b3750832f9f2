using MultiModal.Encoders.Checkpoints;
using TorchSharp;

namespace MultiModal.Fuzz;

/// <summary>
/// A .safetensors file through <see cref="SafeTensorsFile.Open"/>, then every tensor read back with
/// <see cref="SafeTensorsFile.ReadTensor"/> (floating-point ones also converted to float32, as model loading does).
/// </summary>
/// <remarks>
/// Documented: <see cref="CheckpointFormatException"/> ("every malformed or hostile file fails in Open"). Tensors tile
/// the data buffer, so reading them allocates at most the file's size: a memory blow-up is a finding.
/// </remarks>
public sealed class SafeTensorsTarget(string scratch) : FuzzTarget
{
    private readonly string path = Path.Combine(scratch, "input.safetensors");

    /// <inheritdoc/>
    public override string Name => "safetensors";

    /// <inheritdoc/>
    protected override void Execute(byte[] input)
    {
        File.WriteAllBytes(path, input);
        using var file = SafeTensorsFile.Open(path);
        using var scope = torch.NewDisposeScope();
        foreach (var (name, info) in file.Tensors)
        {
            var floating = info.DType is SafeTensorsDType.F16 or SafeTensorsDType.BF16 or SafeTensorsDType.F64;
            file.ReadTensor(name, floating ? torch.ScalarType.Float32 : null).Dispose();
        }
    }

    /// <inheritdoc/>
    protected override Verdict Judge(Exception e) => e is CheckpointFormatException ? Verdict.Rejected(e) : Verdict.Finding(e);
}
