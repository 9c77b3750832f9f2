namespace MultiModal.Index.Flat;

/// <summary>How a <see cref="FlatIndex"/> stores its vectors.</summary>
public enum FlatStorage
{
    /// <summary>32-bit floats: exact.</summary>
    Float32,

    /// <summary>
    /// 16-bit floats: half the memory; scores are computed in float32 after converting each block, so they differ from
    /// float32 storage by the rounding of the stored values (about 1e-3 relative).
    /// </summary>
    Float16,
}
