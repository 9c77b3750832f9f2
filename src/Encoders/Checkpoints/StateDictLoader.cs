using TorchSharp;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Checkpoints;

/// <summary>
/// Strict loading of a module's state dict from a safetensors file: every problem (missing, unexpected, mis-shaped or
/// wrongly typed tensors) is collected from the header alone, before any tensor data is read, and reported at once in
/// a <see cref="CheckpointMismatchException"/>. The model loaders use it through key maps (OpenCLIP, Hugging Face);
/// <see cref="Load(nn.Module, SafeTensorsFile)"/> serves modules whose keys are the file's (training checkpoints).
/// </summary>
/// <remarks>
/// The check runs on expected shapes, not on a module, so a loader can run it before building the module (see
/// <see cref="Models.ClipStateShapes"/>): a file that does not fit its config then costs no allocation at all. Once
/// every shape matches, the module holds exactly the file's values, so its size is bounded by the file's.
/// NaN and infinite values are refused while reading when the file was opened with
/// <see cref="SafeTensorsReadOptions.RejectNonFinite"/> (the model loaders do, unless told otherwise).
/// </remarks>
public static class StateDictLoader
{
    /// <summary>
    /// Copies every tensor of <paramref name="file"/> into the parameter or buffer of <paramref name="module"/> with the
    /// same key, after checking from the header that the keys are the same, every shape is equal, and every type fits
    /// (a floating-point file tensor for a floating-point parameter, converted; otherwise the same type).
    /// </summary>
    /// <param name="module">The module to fill; its state dict is the reference.</param>
    /// <param name="file">The open file.</param>
    /// <exception cref="CheckpointMismatchException">The file does not fit the module; lists every offending key. Nothing was copied.</exception>
    /// <exception cref="CheckpointFormatException">A tensor's data is unreadable, or non-finite while the file refuses such values.</exception>
    public static void Load(nn.Module module, SafeTensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(file);
        var specs = Specs(module);
        var map = Identity(specs.Keys);
        Check(specs, file, map);
        Copy(module, file, map);
    }

    /// <summary>The key map that reads every key from the file key of the same name.</summary>
    internal static IReadOnlyList<TensorRecipe> Identity(IEnumerable<string> keys) => [.. keys.Select(k => TensorRecipe.Copy(k, k))];

    /// <summary>The shapes and types of <paramref name="module"/>'s state dict.</summary>
    internal static IReadOnlyDictionary<string, TensorSpec> Specs(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => new TensorSpec(kv.Value.shape, kv.Value.dtype), StringComparer.Ordinal);

    /// <summary>
    /// Checks the file's header against <paramref name="expected"/> through <paramref name="map"/>; reads no tensor data.
    /// </summary>
    /// <exception cref="CheckpointMismatchException">Lists every missing, unexpected, mis-shaped or wrongly typed key.</exception>
    internal static void Check(IReadOnlyDictionary<string, TensorSpec> expected, SafeTensorsFile file, IReadOnlyList<TensorRecipe> map, Func<string, bool>? ignorable = null)
    {
        var missing = new List<string>();
        var misshaped = new List<string>();
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var recipe in map)
        {
            if (!expected.TryGetValue(recipe.Target, out var target))
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
            var wrongType = infos.FirstOrDefault(i => !Fits(i.DType, target.DType));
            if (wrongType is not null)
            {
                misshaped.Add(IsFloat(target.DType)
                    ? $"{wrongType.Name}: dtype {wrongType.DType} is not a floating-point type"
                    : $"{wrongType.Name}: dtype {wrongType.DType} vs model {target.DType}");
                continue;
            }
            var shape = ResultShape(recipe, infos);
            if (shape is null || !shape.SequenceEqual(target.Shape))
            {
                var fileShapes = string.Join(" + ", infos.Select(i => Format(i.Shape)));
                misshaped.Add($"{string.Join(", ", recipe.Sources)}: file {fileShapes} vs model {Format(target.Shape)}{(recipe.Kind == RecipeKind.Copy ? "" : $" (after {recipe.Kind.ToString().ToLowerInvariant()})")}");
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
    }

    /// <summary>Reads each recipe's sources and copies the result into the module; <see cref="Check"/> must have passed.</summary>
    internal static void Copy(nn.Module module, SafeTensorsFile file, IReadOnlyList<TensorRecipe> map)
    {
        var targets = module.state_dict();
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
            // copy_ would broadcast a smaller value silently: the checked shapes and the module must agree exactly.
            if (!value.shape.SequenceEqual(target.shape))
            {
                throw new InvalidOperationException(
                    $"'{recipe.Target}' is {Format(target.shape)} in the model but {Format(value.shape)} was checked: the expected shapes and the module disagree.");
            }
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

    private static bool Fits(SafeTensorsDType source, ScalarType target) =>
        IsFloat(target) ? source.IsFloatingPoint() : source.ToScalarType() == target;

    private static bool IsFloat(ScalarType type) =>
        type is ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64;

    private static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
