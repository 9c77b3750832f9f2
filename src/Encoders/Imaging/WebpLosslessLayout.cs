namespace MultiModal.Encoders.Imaging;

/// <summary>
/// What <see cref="WebpLosslessProbe"/> read from a VP8L bitstream: the header, and where the entropy image (the map
/// from image blocks to prefix-code groups) ends, which is where the groups' prefix codes begin.
/// </summary>
/// <param name="Width">Image width in pixels, from the VP8L header.</param>
/// <param name="Height">Image height in pixels, from the VP8L header.</param>
/// <param name="GroupCount">
/// The number of prefix-code groups a decoder sets up: the largest group index in the entropy image plus one, or 1
/// when the image has no entropy image (no meta prefix codes).
/// </param>
/// <param name="ColorCacheBits">The main image's colour-cache bits, 0 when it has no colour cache.</param>
/// <param name="EntropyImageEndBit">The bit position (from the start of the chunk payload) after the entropy image.</param>
/// <param name="TotalBits">The chunk payload's length in bits.</param>
internal sealed record WebpLosslessLayout(int Width, int Height, int GroupCount, int ColorCacheBits, long EntropyImageEndBit, long TotalBits)
{
    /// <summary>Bits of the payload after the entropy image: what the groups' prefix codes and the pixels must fit in.</summary>
    public long BitsLeft => TotalBits - EntropyImageEndBit;
}
