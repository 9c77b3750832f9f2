namespace MultiModal.Encoders.Imaging;

/// <summary>
/// The entropy-coded bit reader (libjpeg jdhuff.c jpeg_fill_bit_buffer, HUFF_DECODE, get_bits): a 64-bit buffer filled
/// from the data, 0xFF 0x00 unstuffed, zero bits once a marker or the end of the data is reached.
/// </summary>
internal sealed unsafe partial class JpegDecoder
{
    private byte* src;
    private int srcLength;
    private ulong bits;
    private int bitCount;
    private int readPos;
    private bool atMarker;
    private int padBits;      // zero bits fed past the data, at the low end of the bit buffer
    private bool paddingUsed; // a decode consumed some of them

    private void Restart()
    {
        // Drop buffered bits, then expect RSTn (libjpeg resyncs leniently; we do the same by scanning to the marker).
        bits = 0;
        bitCount = 0;
        padBits = 0;
        paddingUsed = false;
        atMarker = false;
        while (readPos + 1 < srcLength && !(src[readPos] == 0xFF && src[readPos + 1] is >= 0xD0 and <= 0xD7))
        {
            if (src[readPos] == 0xFF && src[readPos + 1] != 0x00 && src[readPos + 1] != 0xFF)
            {
                // Another marker: leave it for the marker loop; the MCUs after it read zeros (jdmarker.c
                // resync_to_restart "action 3"), and insufficient_data stays as it is.
                return;
            }
            readPos++;
        }
        readPos += 2;
        insufficientData = false; // jdhuff.c process_restart: found the marker, so data resumes
    }

    private void Fill()
    {
        if (bitCount < padBits)
        {
            paddingUsed = true; // some of the zeros fed past the data were consumed
            padBits = bitCount;
        }
        // Fast path (libjpeg-turbo jdhuff.c FILL_BIT_BUFFER_FAST): whole bytes from an 8-byte load when none is 0xFF.
        if (!atMarker && readPos + 8 <= srcLength && bitCount <= 56)
        {
            ulong be = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(new ReadOnlySpan<byte>(src + readPos, 8));
            ulong inverted = ~be; // a zero byte here is a 0xFF byte there (Mycroft's has-zero-byte test)
            if (((inverted - 0x0101010101010101UL) & ~inverted & 0x8080808080808080UL) == 0)
            {
                int count = (64 - bitCount) >> 3;
                bits |= (be >> (64 - 8 * count)) << (64 - bitCount - 8 * count);
                readPos += count;
                bitCount += 8 * count;
                return;
            }
        }
        while (bitCount <= 56)
        {
            ulong b = 0;
            bool zeros = true;
            if (!atMarker && readPos < srcLength)
            {
                byte v = src[readPos];
                if (v == 0xFF)
                {
                    byte next = readPos + 1 < srcLength ? src[readPos + 1] : (byte)0xD9;
                    if (next == 0x00)
                    {
                        b = 0xFF;
                        readPos += 2;
                        zeros = false;
                    }
                    else
                    {
                        atMarker = true; // libjpeg feeds zeros once the marker is reached
                    }
                }
                else
                {
                    b = v;
                    readPos++;
                    zeros = false;
                }
            }
            if (zeros)
            {
                padBits += 8;
            }
            bits |= b << (56 - bitCount);
            bitCount += 8;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int Decode(JpegHuffmanTable table)
    {
        if (bitCount < 16)
        {
            Fill();
        }
        int peek = (int)(bits >> 48);
        int entry = table.Lookahead[peek >> (16 - JpegHuffmanTable.LookaheadBits)];
        if (entry != 0)
        {
            int len = entry >> 8;
            bits <<= len;
            bitCount -= len;
            return entry & 0xFF;
        }
        for (int len = JpegHuffmanTable.LookaheadBits + 1; len <= 16; len++)
        {
            int code = peek >> (16 - len);
            if (code <= table.MaxCode[len])
            {
                bits <<= len;
                bitCount -= len;
                return table.Values[table.ValueOffset[len] + code];
            }
        }
        throw new InvalidDataException("corrupt JPEG data: bad Huffman code");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int Receive(int count)
    {
        if (bitCount < count)
        {
            Fill();
        }
        int v = (int)(bits >> (64 - count));
        bits <<= count;
        bitCount -= count;
        return v;
    }

    /// <summary>jdhuff.h HUFF_EXTEND: the signed value of an s-bit magnitude category.</summary>
    private static int Extend(int v, int s) => v < 1 << (s - 1) ? v + (-1 << s) + 1 : v;
}
