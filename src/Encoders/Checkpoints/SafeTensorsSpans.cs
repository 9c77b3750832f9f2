using TorchSharp;

namespace MultiModal.Encoders.Checkpoints;

/// <summary>Walks a contiguous CPU tensor's own storage as byte spans, in slices of bounded size.</summary>
/// <remarks>
/// <see cref="torch.Tensor.bytes"/> is a span over the tensor's native storage (no copy) but its length is an
/// <see cref="int"/>, so tensors of 2 GiB and more are visited through flat <c>narrow</c> views, whose data
/// pointer already includes the storage offset.
/// </remarks>
internal static class SafeTensorsSpans
{
    /// <summary>Receives one slice of the storage and its byte offset from the tensor's first byte.</summary>
    internal delegate void ByteSpanAction(Span<byte> bytes, long byteOffset);

    /// <summary>Calls <paramref name="action"/> on consecutive slices of at most <paramref name="chunkBytes"/> bytes.</summary>
    internal static void ForEachChunk(torch.Tensor contiguousCpu, int elementSize, int chunkBytes, ByteSpanAction action)
    {
        var count = contiguousCpu.numel();
        if (count == 0)
        {
            return;
        }
        if (count * elementSize <= chunkBytes)
        {
            action(contiguousCpu.bytes, 0);
            return;
        }
        long perChunk = Math.Max(1, chunkBytes / elementSize);
        using var flat = contiguousCpu.view(-1); // [numel]
        for (long start = 0; start < count; start += perChunk)
        {
            using var slice = flat.narrow(0, start, Math.Min(perChunk, count - start));
            action(slice.bytes, start * elementSize);
        }
    }
}
