using MultiModal.Encoders.IO;

namespace MultiModal.Encoders.Tests.IO;

public sealed class FolderWalkTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mm-walk-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static bool Jpeg(string path) => path.EndsWith(".jpg", StringComparison.Ordinal);

    private string Touch(string relative)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, relative);
        return path;
    }

    [Fact]
    public void Files_LinkToAnAncestor_EachFileOnceAndTheLoopCounted()
    {
        // .NET's recursive enumeration lists every file again at each level of such a loop (41 times here before).
        var a = Touch("a.jpg");
        var b = Touch("sub/b.jpg");
        Directory.CreateSymbolicLink(Path.Combine(_root, "sub", "loop"), _root);
        Directory.CreateSymbolicLink(Path.Combine(_root, "again"), Path.Combine(_root, "sub"));

        var result = FolderWalk.Files(_root, Jpeg);

        Assert.Equal([a, b], result.Files);
        Assert.Equal(2, result.SkippedLinks);
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void Files_LinkToAFolderOutside_FollowedOnce()
    {
        var outside = Directory.CreateTempSubdirectory("mm-walk-outside-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(outside, "c.jpg"), "c");
            Directory.CreateSymbolicLink(Path.Combine(_root, "linked"), outside);

            var result = FolderWalk.Files(_root, Jpeg);

            Assert.Equal([Path.Combine(_root, "linked", "c.jpg")], result.Files);
            Assert.Equal(0, result.SkippedLinks);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void Files_FifoAndBrokenLinkNamedLikeImages_SkippedWithReasonsNeverOpened()
    {
        var good = Touch("good.jpg");
        RegularFileTests.MakeFifo(Path.Combine(_root, "pipe.jpg"));
        File.CreateSymbolicLink(Path.Combine(_root, "broken.jpg"), Path.Combine(_root, "nowhere"));
        RegularFileTests.MakeFifo(Path.Combine(_root, "pipe.txt")); // not an image name: not mentioned

        var result = FolderWalk.Files(_root, Jpeg);

        Assert.Equal([good], result.Files);
        Assert.Equal(
            [(Path.Combine(_root, "broken.jpg"), "is a broken symbolic link"), (Path.Combine(_root, "pipe.jpg"), "is a FIFO (named pipe), not a regular file")],
            result.Skipped.Select(s => (s.Path, s.Reason)).Order());
    }

    [Fact]
    public void Files_Cancelled_Throws()
    {
        Touch("a.jpg");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.Throws<OperationCanceledException>(() => FolderWalk.Files(_root, Jpeg, cancel.Token));
    }

    [Fact]
    public void Files_RootIsAFile_DirectoryNotFoundSaysWhatItIs()
    {
        var file = Touch("x.jpg");

        Assert.Contains("is a regular file, not a folder", Assert.Throws<DirectoryNotFoundException>(() => FolderWalk.Files(file, Jpeg)).Message);
    }

    [Fact]
    public void Entries_NotFollowingLinks_ReportsLinksAsLinks()
    {
        Touch("d/a.jpg");
        Directory.CreateSymbolicLink(Path.Combine(_root, "d", "up"), _root);

        var entries = FolderWalk.Entries(_root, followLinks: false);

        Assert.Equal(
            [("d", FileKind.Directory), ("d/a.jpg", FileKind.Regular), ("d/up", FileKind.SymbolicLink)],
            entries.Select(e => (Path.GetRelativePath(_root, e.Path), e.Kind)));
    }
}
