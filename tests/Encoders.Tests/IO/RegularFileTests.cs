using System.Diagnostics;
using MultiModal.Encoders.IO;

namespace MultiModal.Encoders.Tests.IO;

public sealed class RegularFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-regular-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    [Fact]
    public void OpenRead_RegularFile_ReadsIt()
    {
        var path = Path.Combine(_dir, "a.bin");
        File.WriteAllBytes(path, [1, 2, 3]);

        using var stream = RegularFile.OpenRead(path);
        var bytes = new byte[3];
        stream.ReadExactly(bytes);

        Assert.Equal([1, 2, 3], bytes);
        Assert.Equal(3, stream.Length);
    }

    [Fact]
    public async Task OpenRead_FifoNamedLikeAnImage_RefusesAtOnceInsteadOfBlocking()
    {
        var path = Path.Combine(_dir, "photo.jpg");
        MakeFifo(path);

        var open = Task.Run(() => RegularFile.OpenRead(path));
        var first = await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(first == open, "opening a FIFO blocked");
        var error = await Assert.ThrowsAsync<NotARegularFileException>(() => open);

        Assert.Equal(FileKind.Fifo, error.Kind);
        Assert.Contains("photo.jpg: is a FIFO (named pipe), not a regular file", error.Message);
    }

    [Fact]
    public void OpenRead_Folder_SaysItIsAFolder()
    {
        var error = Assert.Throws<NotARegularFileException>(() => RegularFile.OpenRead(_dir));

        Assert.Equal(FileKind.Directory, error.Kind);
        Assert.Contains("is a folder, not a regular file", error.Message);
    }

    [Fact]
    public void OpenRead_CharacterDevice_Refused()
    {
        Assert.Equal(FileKind.CharacterDevice, Assert.Throws<NotARegularFileException>(() => RegularFile.OpenRead("/dev/zero")).Kind);
    }

    [Fact]
    public void OpenRead_Missing_FileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => RegularFile.OpenRead(Path.Combine(_dir, "none.jpg")));
    }

    [Fact]
    public void Of_SymlinkAndItsTarget_SameIdentityWhenFollowed()
    {
        var target = Path.Combine(_dir, "t");
        Directory.CreateDirectory(target);
        var link = Path.Combine(_dir, "l");
        Directory.CreateSymbolicLink(link, target);

        var followed = FileStatus.Of(link);
        var itself = FileStatus.Of(link, followLinks: false);
        var real = FileStatus.Of(target);

        Assert.Equal(FileKind.Directory, followed.Kind);
        Assert.Equal(FileKind.SymbolicLink, itself.Kind);
        Assert.Equal((real.Device, real.Inode), (followed.Device, followed.Inode));
        Assert.NotEqual(real.Inode, itself.Inode);
        Assert.Equal(FileKind.Missing, FileStatus.Of(Path.Combine(_dir, "none")).Kind);
    }

    [Fact]
    public void Of_SymlinkLoop_IsMissingWhenFollowed()
    {
        var a = Path.Combine(_dir, "a");
        var b = Path.Combine(_dir, "b");
        File.CreateSymbolicLink(a, b);
        File.CreateSymbolicLink(b, a);

        Assert.Equal(FileKind.Missing, FileStatus.Of(a).Kind);
        Assert.Equal(FileKind.SymbolicLink, FileStatus.Of(a, followLinks: false).Kind);
    }
}
