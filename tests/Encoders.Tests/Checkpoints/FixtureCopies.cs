using MultiModal.Encoders.Checkpoints;
using MultiModal.Encoders.Tests.Models;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Tests.Checkpoints;

/// <summary>Editable copies of the tiny CLIP fixtures, for tests that break one thing in a model folder.</summary>
internal static class FixtureCopies
{
    /// <summary>Copies the tiny GELU Hugging Face model into <paramref name="dir"/> and rewrites its weights through <paramref name="edit"/>; returns the weights file.</summary>
    public static string HfWithWeights(string dir, Action<Dictionary<string, Tensor>> edit)
    {
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(ClipReference.ModelDir("tiny-gelu-hf")))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)), overwrite: true);
        }
        var weights = Path.GetFullPath(Path.Combine(dir, "model.safetensors"));
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>();
        using (var file = SafeTensorsFile.Open(weights))
        {
            foreach (var name in file.Tensors.Keys)
            {
                tensors[name] = file.ReadTensor(name);
            }
        }
        edit(tensors);
        SafeTensorsWriter.Save(weights, tensors.ToList());
        return weights;
    }

    /// <summary><paramref name="tensor"/> as <paramref name="type"/> with elements 0, 5 and 7 set to NaN and element 9 to +∞.</summary>
    public static Tensor WithNaNAndInf(Tensor tensor, ScalarType type = ScalarType.Float32)
    {
        var values = tensor.to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        values[0] = values[5] = values[7] = float.NaN;
        values[9] = float.PositiveInfinity;
        return TorchSharp.torch.tensor(values, tensor.shape).to_type(type);
    }
}
