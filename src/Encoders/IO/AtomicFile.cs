namespace MultiModal.Encoders.IO;

/// <summary>
/// Whole-file writes that leave the old file or the new one, never a mix, and never replace anything but a regular
/// file. Every file the library writes on purpose (.npy, .safetensors, JSON and Markdown reports) goes through here;
/// folders go through <see cref="AtomicFolder"/>.
/// </summary>
/// <remarks>
/// Protocol: the bytes go to <c>.NAME.mm-tmp-ID</c> beside the target (same file system), which is fsynced and renamed
/// over the target (<c>rename(2)</c> is atomic), then the folder is fsynced so the rename survives a power cut. A
/// symbolic link is written through: its final target is replaced and the link stays. A folder, FIFO, device or
/// socket at the path is refused with <see cref="OutputPathException"/> before anything is written (replacing
/// <c>/dev/full</c> or a named pipe with a regular file is never what a user meant). A replaced file keeps its
/// permission bits. A kill -9 can leave a <c>.NAME.mm-tmp-ID</c> file beside the target, never a damaged target.
/// </remarks>
public static class AtomicFile
{
    /// <summary>Test hook: called with "file-written" after the temporary file is complete and fsynced; throwing simulates a crash there.</summary>
    internal static Action<string>? FaultInjection { get; set; }

    /// <summary>
    /// Starts an atomic write of <paramref name="path"/>: write to <see cref="AtomicFileWriter.Stream"/>, then
    /// <see cref="AtomicFileWriter.Commit"/>; disposing without committing leaves the target untouched.
    /// </summary>
    /// <exception cref="OutputPathException">The path (or a link's target) is a folder, FIFO, device or socket.</exception>
    /// <exception cref="DirectoryNotFoundException">The file's folder does not exist (it is not created).</exception>
    /// <param name="path">The file to write.</param>
    /// <param name="durable">Fsync the file and its folder (default). False keeps the all-or-nothing rename but not
    /// durability across a power cut: for bulk, re-creatable outputs such as thousands of demo images.</param>
    public static AtomicFileWriter Create(string path, bool durable = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var target = ResolveTarget(path);
        var directory = Path.GetDirectoryName(target) ?? throw new OutputPathException(path, "has no parent folder.");
        if (FileStatus.Of(directory).Kind != FileKind.Directory)
        {
            // Not created on the user's behalf: a mistyped folder should fail, not appear.
            throw new DirectoryNotFoundException($"{path}: the folder '{directory}' does not exist.");
        }
        var temp = Path.Combine(directory, $".{Path.GetFileName(target)}.mm-tmp-{Guid.NewGuid():N}");
        return new AtomicFileWriter(target, temp, new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16), durable);
    }

    /// <summary>Writes <paramref name="path"/> atomically; <paramref name="write"/> fills the stream.</summary>
    /// <exception cref="OutputPathException">The path (or a link's target) is a folder, FIFO, device or socket.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var writer = Create(path);
        write(writer.Stream);
        writer.Commit();
    }

    /// <summary>The second half of <see cref="AtomicFileWriter.Commit"/>: fsync, keep permissions, rename, fsync the folder.</summary>
    internal static void Commit(FileStream stream, string temp, string target, bool durable)
    {
        stream.Flush(flushToDisk: durable);
        stream.Dispose();
        if (FileStatus.Of(target).Kind == FileKind.Regular && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
        }
        FaultInjection?.Invoke("file-written");
        File.Move(temp, target, overwrite: true);
        if (durable)
        {
            LibC.FsyncPath(Path.GetDirectoryName(target)!, directory: true);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="OutputPathException">The path is a folder, FIFO, device or socket.</exception>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>Writes UTF-8 text (no byte-order mark) to <paramref name="path"/> atomically.</summary>
    /// <exception cref="OutputPathException">The path is a folder, FIFO, device or socket.</exception>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
    }

    /// <summary>
    /// The file a write to <paramref name="path"/> replaces: the path itself, or the final target of a symbolic link.
    /// Throws when that is not a regular file or a missing one.
    /// </summary>
    /// <exception cref="OutputPathException">A folder, FIFO, device, socket or a link loop.</exception>
    public static string ResolveTarget(string path)
    {
        var full = Path.GetFullPath(path);
        if (FileStatus.Of(full, followLinks: false).Kind == FileKind.SymbolicLink)
        {
            FileSystemInfo? final;
            try
            {
                final = File.ResolveLinkTarget(full, returnFinalTarget: true);
            }
            catch (IOException e)
            {
                throw new OutputPathException(path, $"is a symbolic link that cannot be followed ({e.Message}).");
            }
            full = final?.FullName ?? full;
        }
        var kind = FileStatus.Of(full).Kind;
        if (kind is not (FileKind.Missing or FileKind.Regular))
        {
            throw new OutputPathException(path, $"is {FileStatus.Describe(kind)}; refusing to replace it with a file.");
        }
        return full;
    }

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original error is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
