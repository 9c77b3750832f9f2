namespace MultiModal.Training.Data;

/// <summary>A source of uniform draws for augmentation samplers (<see cref="RandomResizedCrop"/>).</summary>
public interface IRandomSource
{
    /// <summary>A uniform float in [0, 1): a multiple of 2^-24, so it is exact in float32 and double.</summary>
    float NextSingle();
}
