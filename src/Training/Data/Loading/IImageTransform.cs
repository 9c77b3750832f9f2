namespace MultiModal.Training.Data;

/// <summary>
/// Decodes, preprocesses and (optionally) augments one image into model input floats inside the loader's workers.
/// <see cref="ClipImageTransform"/> is the default.
/// </summary>
/// <remarks>Implementations must be thread-safe, and deterministic given <c>seed</c>: all randomness comes from it.</remarks>
public interface IImageTransform
{
    /// <summary>Shape of one output, e.g. [3, 224, 224].</summary>
    IReadOnlyList<int> OutputShape { get; }

    /// <summary>Writes the transformed image to <paramref name="destination"/> (the product of <see cref="OutputShape"/> floats).</summary>
    /// <param name="image">The image to open and decode.</param>
    /// <param name="seed">Seed of this sample's augmentation in this epoch (from <see cref="SeededRandom.DeriveSeed"/>).</param>
    /// <param name="destination">Receives the floats.</param>
    /// <exception cref="MultiModal.Encoders.Imaging.ImageDecodeException">The image is corrupt or unsupported (the loader skips it).</exception>
    /// <exception cref="IOException">The image cannot be read (the loader skips it).</exception>
    void Apply(ImageRef image, ulong seed, Span<float> destination);
}
