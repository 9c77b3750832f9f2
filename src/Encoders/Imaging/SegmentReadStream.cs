namespace MultiModal.Encoders.Imaging;

/// <summary>A read-only, seekable stream over byte segments read one after another, without copying them.</summary>
internal sealed class SegmentReadStream : Stream
{
    private readonly ReadOnlyMemory<byte>[] segments;
    private readonly long length;
    private long position;
    private int segment;       // segment holding position (segments.Length at the end)
    private int segmentOffset; // position inside it

    public SegmentReadStream(IEnumerable<ReadOnlyMemory<byte>> segments)
    {
        this.segments = segments.Where(s => !s.IsEmpty).ToArray();
        length = this.segments.Sum(s => (long)s.Length);
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length && segment < segments.Length)
        {
            ReadOnlySpan<byte> current = segments[segment].Span[segmentOffset..];
            int n = Math.Min(current.Length, buffer.Length - total);
            current[..n].CopyTo(buffer[total..]);
            total += n;
            segmentOffset += n;
            if (segmentOffset == segments[segment].Length)
            {
                segment++;
                segmentOffset = 0;
            }
        }
        position += total;
        return total;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => length + offset,
        };
        if (target < 0)
        {
            throw new IOException("seek before the start of the stream");
        }
        position = target;
        segment = 0;
        segmentOffset = 0;
        long left = Math.Min(target, length);
        while (segment < segments.Length && left >= segments[segment].Length)
        {
            left -= segments[segment].Length;
            segment++;
        }
        segmentOffset = (int)left;
        return position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
