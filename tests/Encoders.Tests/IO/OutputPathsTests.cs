using MultiModal.Encoders.IO;

namespace MultiModal.Encoders.Tests.IO;

public sealed class OutputPathsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mm-outpaths-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("images", "images", "is the same path as --images 'IN'")]
    [InlineData("images/index", "images", "is inside --images 'IN'")]
    [InlineData(".", "images", "contains --images 'IN'")]
    [InlineData("images/new/deeper", "images", "is inside --images 'IN'")]
    public void EnsureSeparate_Overlap_RefusedSayingHow(string output, string input, string relation)
    {
        Directory.CreateDirectory(Path.Combine(_root, "images"));
        var outPath = Path.Combine(_root, output);
        var inPath = Path.Combine(_root, input);

        var error = Assert.Throws<OutputPathException>(() => OutputPaths.EnsureSeparate(outPath, "--out", ("--images", inPath)));

        Assert.Contains("--out " + relation.Replace("IN", inPath, StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void EnsureSeparate_OverlapThroughASymbolicLink_Refused()
    {
        var images = Path.Combine(_root, "images");
        Directory.CreateDirectory(images);
        var alias = Path.Combine(_root, "alias");
        Directory.CreateSymbolicLink(alias, images);

        Assert.Throws<OutputPathException>(() => OutputPaths.EnsureSeparate(Path.Combine(alias, "idx"), "--out", ("--images", images)));
    }

    [Fact]
    public void EnsureSeparate_SiblingsWithACommonPrefix_Accepted()
    {
        Directory.CreateDirectory(Path.Combine(_root, "images"));

        OutputPaths.EnsureSeparate(Path.Combine(_root, "images-index"), "--out", ("--images", Path.Combine(_root, "images")), ("--model", null));
    }
}
