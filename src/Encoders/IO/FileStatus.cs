using System.Runtime.InteropServices;

namespace MultiModal.Encoders.IO;

/// <summary>
/// The kind, identity (device and inode) and size of a path, from Linux <c>statx(2)</c>; elsewhere from .NET's file
/// information, which knows only files, folders and links and has no inode.
/// </summary>
/// <remarks>
/// Used wherever the library must not trust a name: a FIFO called <c>photo.jpg</c> must not be opened (the open
/// blocks), a folder walk must visit each real folder once (symbolic-link loops), and an output must never replace a
/// device node. <c>statx</c> is used rather than <c>stat</c> because its structure has one layout on every Linux
/// architecture.
/// </remarks>
/// <param name="Kind">What the path names.</param>
/// <param name="Device">The device holding it (major &lt;&lt; 32 | minor); 0 where unknown.</param>
/// <param name="Inode">The inode number; 0 where unknown.</param>
/// <param name="Size">Bytes, for regular files.</param>
public readonly record struct FileStatus(FileKind Kind, ulong Device, ulong Inode, long Size)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxBufferBytes = 256;

    /// <summary>True when <see cref="Device"/> and <see cref="Inode"/> identify the file.</summary>
    public bool HasIdentity => Inode != 0;

    /// <summary>Reads the status of <paramref name="path"/>; a missing path gives <see cref="FileKind.Missing"/>.</summary>
    /// <param name="path">The path.</param>
    /// <param name="followLinks">Report what a symbolic link points to (true) or the link itself (false).</param>
    /// <exception cref="IOException">The status cannot be read (permissions on a parent folder, I/O error).</exception>
    public static FileStatus Of(string path, bool followLinks = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsLinux())
        {
            return Portable(path, followLinks);
        }
        Span<byte> buffer = stackalloc byte[StatxBufferBytes];
        int rc = LibC.statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, ref MemoryMarshal.GetReference(buffer));
        if (rc != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            // ENOENT, ENOTDIR (a parent is a file), ELOOP (a link loop when following): nothing usable is there.
            if (errno is 2 or 20 || (errno == 40 && followLinks))
            {
                return new FileStatus(FileKind.Missing, 0, 0, 0);
            }
            throw new IOException($"{path}: cannot read the file status ({Marshal.GetPInvokeErrorMessage(errno)}).");
        }
        return Decode(buffer);
    }

    /// <summary>The status of an open file (what the handle names now, whatever its path became).</summary>
    internal static FileStatus Of(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string pathForMessages)
    {
        if (!OperatingSystem.IsLinux())
        {
            return Portable(pathForMessages, followLinks: true);
        }
        Span<byte> buffer = stackalloc byte[StatxBufferBytes];
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = (int)handle.DangerousGetHandle();
            if (LibC.statx(fd, string.Empty, AtEmptyPath, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                throw new IOException($"{pathForMessages}: cannot read the file status ({Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}).");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
        return Decode(buffer);
    }

    /// <summary>"a folder", "a FIFO (named pipe)", ...: the kind in words, for messages.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a folder",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => kind.ToString(),
    };

    private static FileStatus Decode(ReadOnlySpan<byte> b)
    {
        // struct statx (include/uapi/linux/stat.h): stx_mode u16 @28, stx_ino u64 @32, stx_size u64 @40,
        // stx_dev_major u32 @136, stx_dev_minor u32 @140.
        int mode = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(b[28..]) & 0xF000;
        ulong inode = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b[32..]);
        long size = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(b[40..]);
        ulong device = ((ulong)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(b[136..]) << 32)
                       | System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(b[140..]);
        var kind = mode switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Regular,
        };
        return new FileStatus(kind, device, inode, kind == FileKind.Regular ? size : 0);
    }

    private static FileStatus Portable(string path, bool followLinks)
    {
        FileSystemInfo info = new FileInfo(path);
        if (!info.Exists)
        {
            info = new DirectoryInfo(path);
        }
        if (!info.Exists && info.LinkTarget is null)
        {
            return new FileStatus(FileKind.Missing, 0, 0, 0);
        }
        if (info.LinkTarget is not null)
        {
            if (!followLinks)
            {
                return new FileStatus(FileKind.SymbolicLink, 0, 0, 0);
            }
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !target.Exists)
            {
                return new FileStatus(FileKind.Missing, 0, 0, 0);
            }
            info = target;
        }
        return info is DirectoryInfo || (info.Attributes & FileAttributes.Directory) != 0
            ? new FileStatus(FileKind.Directory, 0, 0, 0)
            : new FileStatus(FileKind.Regular, 0, 0, ((FileInfo)info).Length);
    }
}
