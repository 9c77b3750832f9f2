using System.Text;
using MultiModal.Encoders.IO;

namespace MultiModal.Encoders.Tests.IO;

public sealed class FolderLockTests : IDisposable
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);
    private readonly string _root = Directory.CreateTempSubdirectory("mm-lock-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>
    /// Takes byte <paramref name="start"/> of the lock file on a handle of its own: open-file-description locks make
    /// this exactly what another process holding it looks like.
    /// </summary>
    private static Microsoft.Win32.SafeHandles.SafeFileHandle HoldAsAnotherProcess(string folder, short type, long start, string? holder = null)
    {
        var handle = LibC.Open(FolderLock.LockFilePath(folder), LibC.ORdWr | LibC.OCreat | LibC.OCloExec, 0x1B6, out _)!;
        Assert.Equal(0, LibC.TryLock(handle, type, start));
        if (holder is not null)
        {
            RandomAccess.Write(handle, Encoding.UTF8.GetBytes(holder), 0);
        }
        return handle;
    }

    [Fact]
    public void ForWriting_AnotherWriterHoldsIt_WaitsThenNamesTheHolder()
    {
        var index = Path.Combine(_root, "idx");
        using var other = HoldAsAnotherProcess(index, LibC.FWrLck, 0, "pid 4242 (mm index build --out idx) since 2026-12-03T10:00:00Z\n");

        var error = Assert.Throws<FolderLockedException>(() => FolderLock.ForWriting(index, Short));

        Assert.Equal("pid 4242 (mm index build --out idx) since 2026-12-03T10:00:00Z", error.Holder);
        Assert.StartsWith($"{index}: is being written by pid 4242 (mm index build --out idx)", error.Message);
    }

    [Fact]
    public void ForWriting_HolderLeaves_TheWaiterGetsIt()
    {
        var index = Path.Combine(_root, "idx");
        var other = HoldAsAnotherProcess(index, LibC.FWrLck, 0);
        _ = Task.Delay(200).ContinueWith(_ => other.Dispose(), TaskScheduler.Default);

        using var mine = FolderLock.ForWriting(index, TimeSpan.FromSeconds(10));

        Assert.StartsWith($"pid {Environment.ProcessId} (", File.ReadAllText(FolderLock.LockFilePath(index)));
    }

    [Fact]
    public void ForWriting_ReentrantWithinAProcess_AndReleasedWhenTheLastHolderLeaves()
    {
        var index = Path.Combine(_root, "idx");
        var outer = FolderLock.ForWriting(index, Short);
        var inner = FolderLock.ForWriting(index, Short);
        inner.Dispose();

        using (var probe = LibC.Open(FolderLock.LockFilePath(index), LibC.ORdWr | LibC.OCloExec, 0, out _)!)
        {
            Assert.NotEqual(0, LibC.TryLock(probe, LibC.FWrLck, 0)); // still held by the outer lock
        }
        outer.Dispose();
        using var after = LibC.Open(FolderLock.LockFilePath(index), LibC.ORdWr | LibC.OCloExec, 0, out _)!;
        Assert.Equal(0, LibC.TryLock(after, LibC.FWrLck, 0));
    }

    [Fact]
    public void ForReading_NotBlockedByALongWriterSession_OnlyByASwap()
    {
        var index = Path.Combine(_root, "idx");
        using (HoldAsAnotherProcess(index, LibC.FWrLck, 0, "pid 1 (writer)"))
        using (FolderLock.ForReading(index, Short))
        using (FolderLock.ForReading(index, Short))
        {
            // Two readers and a writer session at once.
        }
        using var swapping = HoldAsAnotherProcess(index, LibC.FWrLck, 1);
        Assert.Throws<FolderLockedException>(() => FolderLock.ForReading(index, Short));
    }

    [Fact]
    public void ForReading_WhereNoLockFileCanBeCreated_ReadsUnlocked()
    {
        // Read-only media: nobody can write there either, so an unlocked read is safe. /proc refuses new files even to root.
        using var readLock = FolderLock.ForReading("/proc/mm-index");

        Assert.False(File.Exists("/proc/mm-index.lock"));
    }

    [Fact]
    public async Task AtomicFolderWrite_ReaderHoldsTheReadLock_SwapWaitsForIt()
    {
        var index = Path.Combine(_root, "idx");
        AtomicFolder.Write(index, s => File.WriteAllText(Path.Combine(s, "v"), "1"), new AtomicFolderOptions { Kind = "index", Lock = true });
        var reader = FolderLock.ForReading(index);

        var save = Task.Run(() => AtomicFolder.Write(index, s => File.WriteAllText(Path.Combine(s, "v"), "2"), new AtomicFolderOptions { Kind = "index", Lock = true }));
        await Task.Delay(300);
        Assert.False(save.IsCompleted);
        Assert.Equal("1", File.ReadAllText(Path.Combine(index, "v")));
        reader.Dispose();
        await save;

        Assert.Equal("2", File.ReadAllText(Path.Combine(index, "v")));
    }

    [Fact]
    public void LockFilePath_ThroughALinkToTheFolder_IsTheRealFoldersLock()
    {
        var real = Path.Combine(_root, "idx");
        Directory.CreateDirectory(real);
        var link = Path.Combine(_root, "alias");
        Directory.CreateSymbolicLink(link, real);

        Assert.Equal(real + ".lock", FolderLock.LockFilePath(link));
        using var viaLink = FolderLock.ForWriting(link, Short);
        using var other = LibC.Open(real + ".lock", LibC.ORdWr | LibC.OCloExec, 0, out _)!;
        Assert.NotEqual(0, LibC.TryLock(other, LibC.FWrLck, 0)); // held through the link
    }

    [Fact]
    public void ForWriting_AUsersFileNamedLikeTheLock_IsRefusedAndKept()
    {
        var index = Path.Combine(_root, "idx");
        File.WriteAllText(index + ".lock", "my notes about the index");

        var error = Assert.Throws<OutputPathException>(() => FolderLock.ForWriting(index, Short));

        Assert.Equal($"{index}.lock: exists and is not a MultiModal lock file; refusing to overwrite it.", error.Message);
        Assert.Equal("my notes about the index", File.ReadAllText(index + ".lock")); // before: truncated to the holder line
        using var again = HoldAsAnotherProcess(index, LibC.FWrLck, 0); // and the failed attempt released its lock
    }

    [Fact]
    public void ForReading_AFifoNamedLikeTheLock_IsRefused()
    {
        var index = Path.Combine(_root, "idx");
        RegularFileTests.MakeFifo(index + ".lock");

        var error = Assert.Throws<OutputPathException>(() => FolderLock.ForReading(index, Short));

        Assert.Contains("FIFO", error.Message);
        Assert.StartsWith($"{index}.lock: is", error.Message);
    }
}
