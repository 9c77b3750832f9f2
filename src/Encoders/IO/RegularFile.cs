using Microsoft.Win32.SafeHandles;

namespace MultiModal.Encoders.IO;

/// <summary>
/// Opens files that must be regular files (images, checkpoints, vectors) without blocking or reading devices: a FIFO,
/// folder, device or socket under any name is refused with <see cref="NotARegularFileException"/>.
/// </summary>
/// <remarks>
/// On Linux the file is opened with <c>O_NONBLOCK</c> (so opening a FIFO returns at once instead of waiting for a
/// writer) and its kind is checked on the open handle, so a file swapped after a check cannot slip through. The flag
/// has no effect on reads of regular files. Elsewhere the kind is checked before a normal open.
/// </remarks>
public static class RegularFile
{
    /// <summary>Opens <paramref name="path"/> for reading (following symbolic links).</summary>
    /// <exception cref="FileNotFoundException">Nothing is at the path.</exception>
    /// <exception cref="NotARegularFileException">The path names a folder, FIFO, device or socket.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read with the caller's permissions.</exception>
    public static FileStream OpenRead(string path, int bufferSize = 1 << 16, FileOptions options = FileOptions.None)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new FileStream(OpenHandle(path), FileAccess.Read, bufferSize, (options & FileOptions.Asynchronous) != 0);
    }

    /// <summary>Reads a whole regular file.</summary>
    /// <exception cref="FileNotFoundException">Nothing is at the path.</exception>
    /// <exception cref="NotARegularFileException">The path names a folder, FIFO, device or socket.</exception>
    /// <exception cref="InvalidDataException">The file holds more than <paramref name="maxBytes"/> bytes.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes = int.MaxValue)
    {
        using var stream = OpenRead(path, bufferSize: 1);
        long length = stream.Length;
        if (length > maxBytes || length > Array.MaxLength)
        {
            throw new InvalidDataException($"{path}: the file has {length} bytes, more than the {Math.Min(maxBytes, Array.MaxLength)} allowed.");
        }
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Throws unless <paramref name="path"/> is a regular file (after following links).</summary>
    /// <exception cref="FileNotFoundException">Nothing is at the path.</exception>
    /// <exception cref="NotARegularFileException">The path names something else.</exception>
    public static void EnsureRegular(string path)
    {
        var status = FileStatus.Of(path);
        if (status.Kind == FileKind.Missing)
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }
        if (status.Kind != FileKind.Regular)
        {
            throw new NotARegularFileException(path, status.Kind);
        }
    }

    private static SafeFileHandle OpenHandle(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            EnsureRegular(path);
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        var handle = LibC.Open(path, LibC.ORdOnly | LibC.ONonBlock | LibC.OCloExec, 0, out int errno);
        if (handle is null)
        {
            string reason = LibC.Describe(errno);
            throw errno switch
            {
                2 or 20 => new FileNotFoundException($"{path}: no such file.", path),
                13 or 1 => new UnauthorizedAccessException($"{path}: permission denied ({reason})."),
                _ => new IOException($"{path}: cannot open the file ({reason})."),
            };
        }
        try
        {
            var status = FileStatus.Of(handle, path);
            if (status.Kind != FileKind.Regular)
            {
                throw new NotARegularFileException(path, status.Kind);
            }
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

}
