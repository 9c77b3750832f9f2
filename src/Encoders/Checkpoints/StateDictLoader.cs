using TorchSharp;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Checkpoints;

/// <summary>
/// Applies a key map to a safetensors file and copies the result into a module's parameters, strictly: every
/// problem (missing, unexpected, mis-shaped or non-float tensors) is collected from the header alone, before any
/// tensor data is read, and reported at once in a <see cref="CheckpointMismatchException"/>.
/// </summary>
internal static class StateDictLoader
{
    public static void Load(nn.Module module, SafeTensorsFile file, IReadOnlyList<TensorRecipe> map, Func<string, bool>? ignorable = null)
    {
        var targets = module.state_dict();
        var missing = new List<string>();
        var misshaped = new List<string>();
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var recipe in map)
        {
            if (!targets.TryGetValue(recipe.Target, out var target))
            {
                throw new InvalidOperationException($"Key map names '{recipe.Target}', which the model does not have.");
            }
            var infos = new List<SafeTensorInfo>(recipe.Sources.Length);
            foreach (var source in recipe.Sources)
            {
                consumed.Add(source);
                if (file.Tensors.TryGetValue(source, out var info))
                {
                    infos.Add(info);
                }
                else
                {
                    missing.Add(source);
                }
            }
            if (infos.Count != recipe.Sources.Length)
            {
                continue;
            }
            var nonFloat = infos.FirstOrDefault(i => !IsFloat(i.DType));
            if (nonFloat is not null)
            {
                misshaped.Add($"{nonFloat.Name}: dtype {nonFloat.DType} is not a floating-point type");
                continue;
            }
            var shape = ResultShape(recipe, infos);
            if (shape is null || !shape.SequenceEqual(target.shape))
            {
                var fileShapes = string.Join(" + ", infos.Select(i => Format(i.Shape)));
                misshaped.Add($"{string.Join(", ", recipe.Sources)}: file {fileShapes} vs model {Format(target.shape)}{(recipe.Kind == RecipeKind.Copy ? "" : $" (after {recipe.Kind.ToString().ToLowerInvariant()})")}");
            }
        }
        var unexpected = file.Tensors.Keys
            .Where(k => !consumed.Contains(k) && !(ignorable?.Invoke(k) ?? false))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (missing.Count > 0 || unexpected.Count > 0 || misshaped.Count > 0)
        {
            throw new CheckpointMismatchException(file.FilePath, missing, unexpected, misshaped);
        }

        using var noGrad = no_grad();
        foreach (var recipe in map)
        {
            using var scope = NewDisposeScope();
            var target = targets[recipe.Target];
            var parts = recipe.Sources.Select(s => file.ReadTensor(s, target.dtype)).ToArray();
            var value = recipe.Kind switch
            {
                RecipeKind.Copy => parts[0],
                RecipeKind.Transpose => parts[0].t(),
                RecipeKind.Concat => cat(parts, 0),
                _ => throw new InvalidOperationException(recipe.Kind.ToString()),
            };
            target.copy_(value);
        }
    }

    private static long[]? ResultShape(TensorRecipe recipe, List<SafeTensorInfo> infos)
    {
        switch (recipe.Kind)
        {
            case RecipeKind.Copy:
                return infos[0].Shape;
            case RecipeKind.Transpose:
                return infos[0].Shape.Length == 2 ? [infos[0].Shape[1], infos[0].Shape[0]] : null;
            case RecipeKind.Concat:
                var first = infos[0].Shape;
                if (first.Length == 0 || infos.Any(i => i.Shape.Length != first.Length || !i.Shape.AsSpan(1).SequenceEqual(first.AsSpan(1))))
                {
                    return null;
                }
                var shape = (long[])first.Clone();
                shape[0] = infos.Sum(i => i.Shape[0]);
                return shape;
            default:
                return null;
        }
    }

    private static bool IsFloat(SafeTensorsDType dtype) =>
        dtype is SafeTensorsDType.F32 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 or SafeTensorsDType.F64;

    private static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
