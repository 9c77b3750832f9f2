namespace MultiModal.Encoders.Checkpoints;

/// <summary>One tensor's entry in a safetensors header, already validated against the file.</summary>
/// <param name="Name">The tensor's key (non-empty).</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The dimensions; empty for a scalar.</param>
/// <param name="Begin">First byte, relative to the start of the data buffer (the byte after the header).</param>
/// <param name="End">One past the last byte, relative to the start of the data buffer.</param>
public sealed record SafeTensorInfo(string Name, SafeTensorsDType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of bytes the tensor occupies in the file.</summary>
    public long ByteLength => End - Begin;

    /// <summary>Number of elements (1 for a scalar, 0 when any dimension is 0).</summary>
    public long ElementCount => ByteLength / DType.ElementSize();
}
