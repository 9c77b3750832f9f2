using MultiModal.Encoders.IO;

namespace MultiModal.Encoders.Tests.IO;

// AtomicFile.FaultInjection is a static hook: this class must not run beside another that sets it.
[Collection("AtomicFile.FaultInjection")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-atomic-file-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Entries() => Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void WriteAllBytes_NewFile_WritesItAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_dir, "a.bin");

        AtomicFile.WriteAllBytes(path, [1, 2, 3]);

        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(["a.bin"], Entries());
    }

    [Fact]
    public void WriteAllBytes_ExistingFile_ReplacesContentAndKeepsPermissions()
    {
        var path = Path.Combine(_dir, "a.bin");
        File.WriteAllBytes(path, [9, 9, 9, 9]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        AtomicFile.WriteAllBytes(path, [1]);

        Assert.Equal([1], File.ReadAllBytes(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
    }

    [Fact]
    public void WriteAllBytes_SymbolicLink_WritesThroughToTheTargetAndKeepsTheLink()
    {
        var target = Path.Combine(_dir, "real.bin");
        File.WriteAllBytes(target, [0]);
        var link = Path.Combine(_dir, "link.bin");
        File.CreateSymbolicLink(link, target);

        AtomicFile.WriteAllBytes(link, [4, 5]);

        Assert.Equal(FileKind.SymbolicLink, FileStatus.Of(link, followLinks: false).Kind);
        Assert.Equal([4, 5], File.ReadAllBytes(target));
    }

    [Fact]
    public void WriteAllBytes_DanglingLink_CreatesTheTarget()
    {
        var target = Path.Combine(_dir, "later.bin");
        var link = Path.Combine(_dir, "link.bin");
        File.CreateSymbolicLink(link, target);

        AtomicFile.WriteAllBytes(link, [7]);

        Assert.Equal([7], File.ReadAllBytes(target));
        Assert.Equal(FileKind.SymbolicLink, FileStatus.Of(link, followLinks: false).Kind);
    }

    [Fact]
    public void WriteAllBytes_Fifo_RefusedWithoutBlockingAndLeftAFifo()
    {
        var fifo = Path.Combine(_dir, "out.npy");
        RegularFileTests.MakeFifo(fifo);

        var error = Assert.Throws<OutputPathException>(() => AtomicFile.WriteAllBytes(fifo, [1]));

        Assert.Contains("is a FIFO (named pipe); refusing to replace it with a file", error.Message);
        Assert.Equal(FileKind.Fifo, FileStatus.Of(fifo).Kind);
        Assert.Equal(["out.npy"], Entries());
    }

    [Theory]
    [InlineData("/dev/full")]
    [InlineData("/dev/null")]
    public void WriteAllBytes_DeviceNodeDirectlyOrThroughALink_RefusedAndStillADevice(string device)
    {
        var link = Path.Combine(_dir, "out.npy");
        File.CreateSymbolicLink(link, device);

        Assert.Throws<OutputPathException>(() => AtomicFile.WriteAllBytes(device, [1]));
        Assert.Throws<OutputPathException>(() => AtomicFile.WriteAllBytes(link, [1]));

        Assert.Equal(FileKind.CharacterDevice, FileStatus.Of(device).Kind);
        Assert.Equal(["out.npy"], Entries());
    }

    [Fact]
    public void WriteAllBytes_Folder_Refused()
    {
        var folder = Path.Combine(_dir, "sub");
        Directory.CreateDirectory(folder);

        Assert.Contains("is a folder", Assert.Throws<OutputPathException>(() => AtomicFile.WriteAllBytes(folder, [1])).Message);
        Assert.True(Directory.Exists(folder));
    }

    [Fact]
    public void Write_CrashAfterTheDataIsWritten_OldContentStaysAndNoTemporaryFileRemains()
    {
        var path = Path.Combine(_dir, "a.bin");
        File.WriteAllBytes(path, [1, 1]);
        AtomicFile.FaultInjection = s => throw new IOException("simulated crash at " + s);
        try
        {
            Assert.Throws<IOException>(() => AtomicFile.WriteAllBytes(path, [2, 2, 2]));
        }
        finally
        {
            AtomicFile.FaultInjection = null;
        }

        Assert.Equal([1, 1], File.ReadAllBytes(path));
        Assert.Equal(["a.bin"], Entries());
    }

    [Fact]
    public void WriteAllBytes_MissingFolder_ThrowsAndCreatesNothing()
    {
        var path = Path.Combine(_dir, "typo", "a.bin");

        Assert.Contains("the folder", Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllBytes(path, [1])).Message);
        Assert.Empty(Entries());
    }

    [Fact]
    public void Create_DisposedWithoutCommit_TargetUntouched()
    {
        var path = Path.Combine(_dir, "a.bin");
        File.WriteAllBytes(path, [3]);

        using (var writer = AtomicFile.Create(path))
        {
            writer.Stream.Write([4, 4, 4]);
        }

        Assert.Equal([3], File.ReadAllBytes(path));
        Assert.Equal(["a.bin"], Entries());
    }
}
