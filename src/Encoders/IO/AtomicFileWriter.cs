namespace MultiModal.Encoders.IO;

/// <summary>An atomic file write in progress (from <see cref="AtomicFile.Create"/>): the target changes only at <see cref="Commit"/>.</summary>
public sealed class AtomicFileWriter : IDisposable
{
    private readonly string _target;
    private readonly string _temp;
    private readonly FileStream _stream;
    private readonly bool _durable;
    private bool _committed;
    private bool _disposed;

    internal AtomicFileWriter(string target, string temp, FileStream stream, bool durable)
    {
        _durable = durable;
        _target = target;
        _temp = temp;
        _stream = stream;
    }

    /// <summary>The stream to write the new content to (a temporary file beside the target).</summary>
    public Stream Stream => _stream;

    /// <summary>Flushes the new content to disk and renames it over the target (atomic), then makes the rename durable.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new InvalidOperationException("The write was already committed.");
        }
        AtomicFile.Commit(_stream, _temp, _target, _durable);
        _committed = true;
    }

    /// <summary>Ends the write; without <see cref="Commit"/> the temporary file is deleted and the target is untouched.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _stream.Dispose();
        if (!_committed)
        {
            AtomicFile.TryDelete(_temp);
        }
    }
}
