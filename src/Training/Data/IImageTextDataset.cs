namespace MultiModal.Training.Data;

/// <summary>
/// A random-access dataset of images with captions or class labels: image-caption manifests, COCO/Flickr30k
/// Karpathy splits, ImageFolder, IDX (MNIST/Fashion-MNIST) and CIFAR binaries all present this shape, which the
/// loader, the trainer and the eval harness consume.
/// </summary>
/// <remarks>Indexing must be thread-safe: loader workers read samples concurrently.</remarks>
public interface IImageTextDataset
{
    /// <summary>A short name for reports (<c>fashion-mnist-test</c>, <c>coco-karpathy-val</c>, ...).</summary>
    string Name { get; }

    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>The class names in label order for classification sets, else null.</summary>
    IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Sample <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>).</summary>
    ImageTextSample this[int index] { get; }
}
