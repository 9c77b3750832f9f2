using System.Diagnostics;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace MultiModal.Encoders.IO;

/// <summary>
/// Advisory locks between processes (and threads) on a saved folder such as an index, through the lock file
/// <c>NAME.lock</c> beside it: one writer at a time, and readers that never see a folder mid-swap.
/// </summary>
/// <remarks>
/// <para>Two locks share the file (Linux open-file-description byte-range locks, so two handles in one process exclude
/// each other as two processes do):</para>
/// <list type="bullet">
/// <item><see cref="ForWriting"/>: exclusive between writers, held for a writer's whole session (a command that
/// opens an index, changes it and saves it). Re-entrant within a process, so a command that holds it can call
/// library saves that take it again. The holder's pid and command line are written into the lock file.</item>
/// <item><see cref="ForReading"/>: shared, held while a folder's files are read; <see cref="AtomicFolder"/> takes it
/// exclusively only for the instant of the swap, so readers never wait for a long build, only for a rename.</item>
/// </list>
/// <para>A wait is bounded (<see cref="DefaultTimeout"/>); past it, <see cref="FolderLockedException"/> names the
/// holder ("being written by pid 1234 (mm index build ...)"). The lock file is created by the first reader or writer
/// and never deleted: removing a lock file while others wait on it would let two writers in. A reader that cannot
/// create it (read-only media) reads unlocked, since nobody can write there either. A <c>NAME.lock</c> that is not
/// ours (not a regular file, or text other than a holder line) is refused with <see cref="OutputPathException"/>,
/// never overwritten. Off Linux the locks are no-ops.</para>
/// </remarks>
public sealed class FolderLock : IDisposable
{
    /// <summary>How long a lock is waited for unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private const long WriterByte = 0;
    private const long SwapByte = 1;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private static readonly Dictionary<string, (SafeFileHandle Handle, int Count)> Writers = new(StringComparer.Ordinal);
    private static readonly Lock WritersGate = new();
    private static readonly byte[] HolderPrefix = "pid "u8.ToArray();

    private readonly SafeFileHandle? _handle;
    private readonly string? _writerKey;
    private int _disposed;

    private FolderLock(SafeFileHandle? handle, string? writerKey)
    {
        _handle = handle;
        _writerKey = writerKey;
    }

    /// <summary>
    /// The lock file of <paramref name="folder"/>: <c>NAME.lock</c> beside the real folder (symbolic links in the path
    /// resolved, so a link to an index and the index itself share one lock).
    /// </summary>
    public static string LockFilePath(string folder) => OutputPaths.Canonical(folder) + ".lock";

    /// <summary>Takes the shared read lock of <paramref name="folder"/>, waiting while a writer swaps it in.</summary>
    /// <exception cref="FolderLockedException">A swap held it past <paramref name="timeout"/>.</exception>
    public static FolderLock ForReading(string folder, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var lockFile = LockFilePath(folder);
        if (!OperatingSystem.IsLinux())
        {
            return new FolderLock(null, null);
        }
        RequireLockFileKind(lockFile);
        var handle = LibC.Open(lockFile, LibC.ORdWr | LibC.OCreat | LibC.OCloExec, 0x1B6, out int errno)
                     ?? LibC.Open(lockFile, LibC.ORdOnly | LibC.OCloExec, 0, out _);
        if (handle is null)
        {
            // Read-only media or a folder we may not write: no writer can swap it either.
            if (errno is LibC.EACCES or LibC.EROFS or LibC.EPERM or LibC.ENOENT)
            {
                return new FolderLock(null, null);
            }
            throw new IOException($"{lockFile}: cannot open the lock file ({LibC.Describe(errno)}).");
        }
        Acquire(handle, LibC.FRdLck, SwapByte, folder, lockFile, timeout ?? DefaultTimeout, cancellationToken);
        return new FolderLock(handle, null);
    }

    /// <summary>
    /// Takes the writer lock of <paramref name="folder"/> for a whole writing session (re-entrant within this process)
    /// and records this process as the holder.
    /// </summary>
    /// <exception cref="FolderLockedException">Another process held it past <paramref name="timeout"/>.</exception>
    public static FolderLock ForWriting(string folder, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var lockFile = LockFilePath(folder);
        if (!OperatingSystem.IsLinux())
        {
            return new FolderLock(null, null);
        }
        lock (WritersGate)
        {
            if (Writers.TryGetValue(lockFile, out var held))
            {
                Writers[lockFile] = (held.Handle, held.Count + 1);
                return new FolderLock(null, lockFile);
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        var handle = OpenForWriting(lockFile);
        try
        {
            Acquire(handle, LibC.FWrLck, WriterByte, folder, lockFile, timeout ?? DefaultTimeout, cancellationToken);
            RecordHolder(handle, lockFile);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        lock (WritersGate)
        {
            if (Writers.TryGetValue(lockFile, out var raced))
            {
                // Another thread of this process took it meanwhile (impossible across handles, kept for safety).
                handle.Dispose();
                Writers[lockFile] = (raced.Handle, raced.Count + 1);
            }
            else
            {
                Writers[lockFile] = (handle, 1);
            }
        }
        return new FolderLock(null, lockFile);
    }

    /// <summary>The exclusive swap lock: held by <see cref="AtomicFolder"/> while it renames a new folder into place.</summary>
    internal static FolderLock ForSwap(string folder, TimeSpan timeout)
    {
        var lockFile = LockFilePath(folder);
        if (!OperatingSystem.IsLinux())
        {
            return new FolderLock(null, null);
        }
        var handle = OpenForWriting(lockFile);
        try
        {
            Acquire(handle, LibC.FWrLck, SwapByte, folder, lockFile, timeout, CancellationToken.None);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        return new FolderLock(handle, null);
    }

    /// <summary>Releases the lock (closing the handle releases its byte-range lock).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _handle?.Dispose();
        if (_writerKey is null)
        {
            return;
        }
        lock (WritersGate)
        {
            var (handle, count) = Writers[_writerKey];
            if (count > 1)
            {
                Writers[_writerKey] = (handle, count - 1);
                return;
            }
            Writers.Remove(_writerKey);
            handle.Dispose();
        }
    }

    private static SafeFileHandle OpenForWriting(string lockFile)
    {
        RequireLockFileKind(lockFile);
        return LibC.Open(lockFile, LibC.ORdWr | LibC.OCreat | LibC.OCloExec, 0x1B6, out int errno)
               ?? throw new IOException($"{lockFile}: cannot open the lock file ({LibC.Describe(errno)}).");
    }

    private static void Acquire(SafeFileHandle handle, short type, long start, string folder, string lockFile, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            int errno = LibC.TryLock(handle, type, start);
            if (errno == 0)
            {
                return;
            }
            if (errno is not (LibC.EAGAIN or LibC.EACCES))
            {
                throw new IOException($"{lockFile}: cannot lock ({LibC.Describe(errno)}).");
            }
            if (watch.Elapsed >= timeout)
            {
                throw new FolderLockedException(Path.GetFullPath(folder), ReadHolder(handle), watch.Elapsed);
            }
            cancellationToken.WaitHandle.WaitOne(Poll);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static void RequireLockFileKind(string lockFile)
    {
        var kind = FileStatus.Of(lockFile).Kind;
        if (kind is not (FileKind.Missing or FileKind.Regular))
        {
            throw new OutputPathException(lockFile, $"is {FileStatus.Describe(kind)}, not a lock file; refusing to use it.");
        }
    }

    /// <summary>Writes this process into the lock file, unless the file holds something else (a user's file of that name).</summary>
    private static void RecordHolder(SafeFileHandle handle, string lockFile)
    {
        var existing = new byte[HolderPrefix.Length];
        int read = RandomAccess.Read(handle, existing, 0);
        if (read > 0 && (read < existing.Length || !existing.AsSpan().SequenceEqual(HolderPrefix)))
        {
            throw new OutputPathException(lockFile, "exists and is not a MultiModal lock file; refusing to overwrite it.");
        }
        var args = Environment.GetCommandLineArgs();
        var command = string.Join(' ', args.Select((a, i) => i == 0 ? Path.GetFileNameWithoutExtension(a) : a));
        if (command.Length > 300)
        {
            command = command[..300] + "…";
        }
        var text = FormattableString.Invariant($"pid {Environment.ProcessId} ({command}) since {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\n");
        var bytes = Encoding.UTF8.GetBytes(text);
        RandomAccess.SetLength(handle, 0);
        RandomAccess.Write(handle, bytes, 0);
    }

    private static string? ReadHolder(SafeFileHandle handle)
    {
        try
        {
            var buffer = new byte[1024];
            int n = RandomAccess.Read(handle, buffer, 0);
            var text = Encoding.UTF8.GetString(buffer, 0, n).Trim();
            return text.Length == 0 ? null : text;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
