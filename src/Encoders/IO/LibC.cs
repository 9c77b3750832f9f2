using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MultiModal.Encoders.IO;

/// <summary>The few Linux calls .NET does not expose: open flags, statx, fsync of folders, renameat2 and OFD locks.</summary>
internal static partial class LibC
{
    public const int ORdOnly = 0;
    public const int ORdWr = 2;
    public const int OCreat = 0x40;
    public const int ONonBlock = 0x800;
    public const int ODirectory = 0x10000;
    public const int OCloExec = 0x80000;

    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int EPERM = 1;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    public const int EROFS = 30;
    public const int ENOSYS = 38;
    public const int ELOOP = 40;
    public const int EAGAIN = 11;

    private const int AtFdCwd = -100;

    public const uint RenameNoReplace = 1;
    public const uint RenameExchange = 2;

    // Open file description locks (F_OFD_*): owned by the open file, not the process, so two handles in one process
    // exclude each other like two processes do. Same numbers on every Linux architecture.
    public const int FOfdSetLk = 37;
    public const short FRdLck = 0;
    public const short FWrLck = 1;
    public const short FUnLck = 2;

    /// <summary><c>struct flock</c>: the same layout on x86-64 and arm64 Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Flock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>Opens a file descriptor as an owned handle; null with <paramref name="errno"/> set on failure.</summary>
    public static SafeFileHandle? Open(string path, int flags, int mode, out int errno)
    {
        int fd = open(path, flags, mode);
        if (fd < 0)
        {
            errno = Errno;
            return null;
        }
        errno = 0;
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>fsync of a file or folder by path (folders make renames inside them durable). Best effort off Linux.</summary>
    public static void FsyncPath(string path, bool directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var handle = Open(path, ORdOnly | OCloExec | (directory ? ODirectory : 0), 0, out int errno)
            ?? throw new IOException($"{path}: cannot open to flush it to disk ({Describe(errno)}).");
        Fsync(handle, path);
    }

    public static void Fsync(SafeFileHandle handle, string path)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (fsync((int)handle.DangerousGetHandle()) != 0)
            {
                throw new IOException($"{path}: flushing to disk failed ({Describe(Errno)}).");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>renameat2 with flags; returns errno (0 on success).</summary>
    public static int Rename(string from, string to, uint flags) =>
        renameat2(AtFdCwd, from, AtFdCwd, to, flags) == 0 ? 0 : Errno;

    /// <summary>One non-blocking OFD lock operation on bytes [start, start+1); returns errno (0 on success).</summary>
    public static int TryLock(SafeFileHandle handle, short type, long start)
    {
        var request = new Flock { Type = type, Whence = 0, Start = start, Length = 1, Pid = 0 };
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return fcntl((int)handle.DangerousGetHandle(), FOfdSetLk, ref request) == 0 ? 0 : Errno;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int renameat2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int fcntl(int fd, int command, ref Flock request);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statx(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
