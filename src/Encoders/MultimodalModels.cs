using MultiModal.Encoders.Dual;
using MultiModal.Encoders.Onnx;

namespace MultiModal.Encoders;

/// <summary>
/// Opens any model folder this library reads as an <see cref="IMultimodalEncoder"/>: a projected dual encoder
/// (<c>dual_encoder.json</c>), an ONNX CLIP export (<c>*.onnx</c>), or a CLIP checkpoint (OpenCLIP, Hugging Face or
/// this library's layout); <c>"default"</c> names the default model that ships with the library.
/// </summary>
public static class MultimodalModels
{
    /// <summary>The name that stands for <see cref="DefaultDirectory"/>.</summary>
    public const string DefaultName = "default";

    /// <summary>
    /// Where the default model lives: <c>models/default</c> beside the application's assemblies (the build copies it
    /// there from the repository's <c>models/default</c>). It is a LiT-style dual encoder: frozen ResNet18 and MiniLM
    /// towers with projection heads trained on Fashion-MNIST (see <c>recipes/default.json</c>).
    /// </summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "models", DefaultName);

    /// <summary>What kind of model a folder holds, from its files alone.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static MultimodalModelKind Detect(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The model folder '{directory}' does not exist.");
        }
        if (File.Exists(Path.Combine(directory, ProjectedDualEncoder.ManifestFile)))
        {
            return MultimodalModelKind.DualEncoder;
        }
        foreach (var folder in new[] { directory, Path.Combine(directory, "onnx") })
        {
            if (File.Exists(Path.Combine(folder, "model.onnx")) || File.Exists(Path.Combine(folder, "vision_model.onnx")))
            {
                return MultimodalModelKind.OnnxClip;
            }
        }
        return MultimodalModelKind.Clip;
    }

    /// <summary>Loads <paramref name="directoryOrName"/> (a folder, or <see cref="DefaultName"/>).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist (for the default model: it was not built alongside the application).</exception>
    /// <exception cref="FileNotFoundException">The folder lacks a file its layout needs.</exception>
    /// <remarks>Each kind's own loader reports malformed files with its specific exception (see <see cref="ClipModel.Load"/>,
    /// <see cref="OnnxClipModel.Load"/>, <see cref="ProjectedDualEncoder.Load"/>).</remarks>
    public static IMultimodalEncoder Load(string directoryOrName, MultimodalLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directoryOrName);
        options ??= new MultimodalLoadOptions();
        options.Validate();
        var directory = ResolveDirectory(directoryOrName);
        return Detect(directory) switch
        {
            MultimodalModelKind.DualEncoder => ProjectedDualEncoder.Load(directory, BundledTowers.Factory(options.Onnx, options.AllowTruncatedImages),
                new DualEncoderLoadOptions { AllowNonFiniteWeights = options.AllowNonFiniteWeights, Warn = options.Warn }),
            MultimodalModelKind.OnnxClip => OnnxClipModel.Load(directory, new OnnxClipLoadOptions { Session = options.Onnx, TokenizerPath = options.TokenizerPath, AllowTruncatedImages = options.AllowTruncatedImages }),
            _ => ClipModel.Load(directory, new ClipLoadOptions
            {
                Device = options.Device,
                TokenizerPath = options.TokenizerPath,
                AllowNonFiniteWeights = options.AllowNonFiniteWeights,
                AllowTruncatedImages = options.AllowTruncatedImages,
                Warn = options.Warn,
            }),
        };
    }

    /// <summary>The folder <paramref name="directoryOrName"/> stands for.</summary>
    /// <exception cref="DirectoryNotFoundException">The default model is not beside the application.</exception>
    public static string ResolveDirectory(string directoryOrName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directoryOrName);
        if (directoryOrName != DefaultName || Directory.Exists(directoryOrName))
        {
            return directoryOrName;
        }
        var directory = DefaultDirectory;
        if (!File.Exists(Path.Combine(directory, ProjectedDualEncoder.ManifestFile)))
        {
            throw new DirectoryNotFoundException($"The default model is not at '{directory}': build the application from the repository (it copies models/default), or train it with 'mm train --config recipes/default.json'.");
        }
        return directory;
    }
}
