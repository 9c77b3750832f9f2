using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MultiModal.Fuzz.Tests;

/// <summary>The harness's own pieces: the archive encoding, the mutator's determinism, the manifest fix-up.</summary>
public sealed class HarnessTests
{
    [Fact]
    public void Archive_EncodeDecode_RoundTrips()
    {
        var archive = new FuzzArchive(0x05, [new("manifest.json", "{}"u8.ToArray()), new("graph.usearch", [1, 2, 3]), new("empty", [])]);

        var decoded = FuzzArchive.Decode(archive.Encode());

        Assert.Equal(0x05, decoded.Flags);
        Assert.Equal(archive.Files.Select(f => f.Key), decoded.Files.Select(f => f.Key));
        Assert.Equal(archive.Files.Select(f => f.Value), decoded.Files.Select(f => f.Value));
    }

    [Fact]
    public void Archive_Decode_ClampsLengthsAndSkipsUnsafeNames()
    {
        // flags, "../x" (skipped), then "a" whose declared length runs past the end.
        byte[] input = [0x01, 4, (byte)'.', (byte)'.', (byte)'/', (byte)'x', 1, 0, 0, 0, 9, 1, (byte)'a', 0xFF, 0xFF, 0, 0, 7, 8];

        var decoded = FuzzArchive.Decode(input);

        var file = Assert.Single(decoded.Files);
        Assert.Equal("a", file.Key);
        Assert.Equal(new byte[] { 7, 8 }, file.Value);
    }

    [Fact]
    public void Mutator_SameSeedAndIndex_SameBytes()
    {
        byte[][] corpus = [Encoding.ASCII.GetBytes("{\"shape\":[2,3],\"data_offsets\":[0,24]}"), [0xFF, 0xD8, 0xFF, 0xDB, 0, 67, 0, 1, 2, 3]];
        var a = new Mutator(corpus, archives: false);
        var b = new Mutator(corpus, archives: false);

        var cases = Enumerable.Range(0, 200).Select(i => a.Case(7, i)).ToList();

        Assert.All(Enumerable.Range(0, 200), i => Assert.Equal(cases[i].Input, b.Case(7, i).Input));
        Assert.True(cases.Select(c => Convert.ToHexString(c.Input)).Distinct().Count() > 150, "mutations should differ from case to case");
    }

    [Fact]
    public void FixManifest_MutatedDataFile_SizeAndHashRewritten()
    {
        var manifest = """{"format":"multimodal-index","files":{"graph.usearch":{"bytes":1,"sha256":"00"},"gone":{"bytes":5,"sha256":"11"}}}""";
        var archive = new FuzzArchive(0x01, [new("manifest.json", Encoding.UTF8.GetBytes(manifest)), new("graph.usearch", [9, 9, 9])]);

        var fixedUp = IndexTarget.FixManifest(archive);

        var files = JsonNode.Parse(fixedUp.Files[0].Value)!["files"]!;
        Assert.Equal(3, (int)files["graph.usearch"]!["bytes"]!);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(new byte[] { 9, 9, 9 })), (string)files["graph.usearch"]!["sha256"]!);
        Assert.Equal(5, (int)files["gone"]!["bytes"]!); // not in the archive: left as it was
    }
}
