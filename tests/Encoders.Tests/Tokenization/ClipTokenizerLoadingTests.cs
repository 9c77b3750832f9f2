using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MultiModal.Encoders.Tokenization;

namespace MultiModal.Encoders.Tests.Tokenization;

public sealed class ClipTokenizerLoadingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("clip-tok-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void FromHuggingFaceFiles_FilesBuiltFromArchive_TokenizeLikeArchive()
    {
        (string vocab, string merges) = WriteHuggingFaceFiles(_dir);

        var hf = ClipTokenizer.FromHuggingFaceFiles(vocab, merges);

        Assert.Equal(49408, hf.VocabularySize);
        Assert.Equal(49406, hf.StartOfTextId);
        Assert.Equal(49407, hf.EndOfTextId);
        foreach (ClipReferenceCase c in ClipReferenceCases.Shared.Concat(ClipReferenceCases.Edge).Where(c => c.Kind is "text" or "random"))
        {
            Assert.Equal(c.BpeIds, hf.Encode(c.Text));
            Assert.Equal(c.Tokens77, hf.Tokenize([c.Text]).Ids);
        }
        Assert.Equal("a photo of a dog ", hf.Decode(hf.Encode("a photo of a dog")));
    }

    [Fact]
    public void FromModelDirectory_FolderWithArchive_LoadsArchiveBeforeHuggingFaceFiles()
    {
        File.Copy(TestPaths.ClipVocabulary, Path.Combine(_dir, ClipTokenizer.BpeArchiveFileName));
        File.WriteAllText(Path.Combine(_dir, "vocab.json"), "not json"); // would fail if it were read
        File.WriteAllText(Path.Combine(_dir, "merges.txt"), "");

        var tokenizer = ClipTokenizer.FromModelDirectory(_dir);

        Assert.Equal([320, 1125, 539, 320, 1929], tokenizer.Encode("a photo of a dog"));
    }

    [Fact]
    public void FromModelDirectory_FolderWithHuggingFaceFiles_LoadsThem()
    {
        WriteHuggingFaceFiles(_dir);

        var tokenizer = ClipTokenizer.FromModelDirectory(_dir, new ClipTokenizerOptions { ContextLength = 8 });

        Assert.Equal([49406, 320, 1125, 539, 320, 1929, 49407, 0], tokenizer.Tokenize(["a photo of a dog"]).Ids);
    }

    [Fact]
    public void FromModelDirectory_ExplicitArchivePath_WinsOverEmptyFolder()
    {
        var tokenizer = ClipTokenizer.FromModelDirectory(_dir, explicitVocabularyPath: TestPaths.ClipVocabulary);

        Assert.Equal(49408, tokenizer.VocabularySize);
    }

    [Fact]
    public void FromModelDirectory_ExplicitFolderPath_LoadsHuggingFaceFilesThere()
    {
        string hfDir = Directory.CreateDirectory(Path.Combine(_dir, "hf")).FullName;
        WriteHuggingFaceFiles(hfDir);
        File.WriteAllBytes(Path.Combine(_dir, ClipTokenizer.BpeArchiveFileName), [1, 2, 3]); // ignored: explicit path wins

        var tokenizer = ClipTokenizer.FromModelDirectory(_dir, explicitVocabularyPath: hfDir);

        Assert.Equal([1929], tokenizer.Encode("dog"));
    }

    [Fact]
    public void FromModelDirectory_NoVocabulary_ThrowsNamingFolderAndFiles()
    {
        File.WriteAllText(Path.Combine(_dir, "vocab.json"), "{}");

        var e = Assert.Throws<FileNotFoundException>(() => ClipTokenizer.FromModelDirectory(_dir));

        Assert.Contains(_dir, e.Message, StringComparison.Ordinal);
        Assert.Contains("bpe_simple_vocab_16e6.txt.gz", e.Message, StringComparison.Ordinal);
        Assert.Contains("merges.txt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromModelDirectory_MissingFolder_ThrowsDirectoryNotFound()
    {
        string missing = Path.Combine(_dir, "nope");

        var e = Assert.Throws<DirectoryNotFoundException>(() => ClipTokenizer.FromModelDirectory(missing));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromModelDirectory_MissingExplicitPath_ThrowsFileNotFound()
    {
        string missing = Path.Combine(_dir, "vocab.gz");

        var e = Assert.Throws<FileNotFoundException>(() => ClipTokenizer.FromModelDirectory(_dir, explicitVocabularyPath: missing));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBpeFile_NotGzip_ThrowsNamingFile()
    {
        string path = Path.Combine(_dir, "bad.gz");
        File.WriteAllText(path, "this is not gzip");

        AssertMalformed(path, "gzip", () => ClipTokenizer.FromBpeFile(path));
    }

    [Fact]
    public void FromBpeFile_TooFewLines_ThrowsNamingCount()
    {
        string path = WriteArchive(ArchiveLines().Take(101));

        AssertMalformed(path, "has 100 merge lines", () => ClipTokenizer.FromBpeFile(path));
    }

    [Fact]
    public void FromBpeFile_MergeOfUnknownToken_ThrowsNamingLine()
    {
        string[] lines = [.. ArchiveLines()];
        lines[5] = "qqqq zz";
        string path = WriteArchive(lines);

        AssertMalformed(path, "line 6 needs token 'qqqq'", () => ClipTokenizer.FromBpeFile(path));
    }

    [Fact]
    public void FromBpeFile_LineWithThreeParts_ThrowsNamingLine()
    {
        string[] lines = [.. ArchiveLines()];
        lines[2] = "a b c";
        string path = WriteArchive(lines);

        AssertMalformed(path, "line 3 ('a b c') is not a merge", () => ClipTokenizer.FromBpeFile(path));
    }

    [Fact]
    public void FromHuggingFaceFiles_BadJson_ThrowsNamingVocabFile()
    {
        (string vocab, string merges) = WriteHuggingFaceFiles(_dir);
        File.WriteAllText(vocab, "{\"a\": 0, \"b\": ");

        AssertMalformed(vocab, "JSON", () => ClipTokenizer.FromHuggingFaceFiles(vocab, merges));
    }

    [Fact]
    public void FromHuggingFaceFiles_IdsWithGap_ThrowsNamingToken()
    {
        (string vocab, string merges) = WriteHuggingFaceFiles(_dir);
        File.WriteAllText(vocab, "{\"a\": 0, \"b\": 5}");

        AssertMalformed(vocab, "token 'b' has id 5", () => ClipTokenizer.FromHuggingFaceFiles(vocab, merges));
    }

    [Fact]
    public void FromHuggingFaceFiles_MissingSpecialToken_ThrowsNamingToken()
    {
        (string vocab, string merges) = WriteHuggingFaceFiles(_dir, dropToken: "<|endoftext|>");

        AssertMalformed(vocab, "'<|endoftext|>'", () => ClipTokenizer.FromHuggingFaceFiles(vocab, merges));
    }

    [Fact]
    public void FromHuggingFaceFiles_MergeOfUnknownToken_ThrowsNamingLine()
    {
        (string vocab, string merges) = WriteHuggingFaceFiles(_dir);
        File.WriteAllLines(merges, ["#version: 0.2", "i n", "xyzzy t"]);

        AssertMalformed(merges, "line 3 needs token 'xyzzy'", () => ClipTokenizer.FromHuggingFaceFiles(vocab, merges));
    }

    [Fact]
    public void FromHuggingFaceFiles_InvalidUtf8Merges_ThrowsNamingFile()
    {
        (string vocab, string merges) = WriteHuggingFaceFiles(_dir);
        File.WriteAllBytes(merges, [(byte)'i', (byte)' ', (byte)'n', (byte)'\n', 0xFF, 0xFE, (byte)'\n']);

        AssertMalformed(merges, "UTF-8", () => ClipTokenizer.FromHuggingFaceFiles(vocab, merges));
    }

    private static void AssertMalformed(string path, string problem, Func<ClipTokenizer> load)
    {
        var e = Assert.Throws<ClipVocabularyException>(load);
        Assert.Equal(path, e.FilePath);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    /// <summary>The header and the 48,894 merge lines of the shared archive.</summary>
    private static IEnumerable<string> ArchiveLines()
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(TestPaths.ClipVocabulary), CompressionMode.Decompress));
        for (int i = 0; i <= ClipVocabulary.ArchiveMergeCount; i++)
        {
            yield return reader.ReadLine()!;
        }
    }

    private string WriteArchive(IEnumerable<string> lines)
    {
        string path = Path.Combine(_dir, "vocab.txt.gz");
        using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gz.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        return path;
    }

    /// <summary>Writes vocab.json and merges.txt as Hugging Face's CLIPTokenizer ships them, from the shared archive.</summary>
    private static (string Vocab, string Merges) WriteHuggingFaceFiles(string dir, string? dropToken = null)
    {
        ClipVocabulary v = ClipVocabulary.LoadBpeArchive(TestPaths.ClipVocabulary);
        var map = new Dictionary<string, int>();
        for (int id = 0; id < v.Tokens.Length; id++)
        {
            if (v.Tokens[id] != dropToken)
            {
                map[v.Tokens[id]] = id;
            }
        }
        string vocab = Path.Combine(dir, ClipTokenizer.VocabularyJsonFileName);
        string merges = Path.Combine(dir, ClipTokenizer.MergesFileName);
        File.WriteAllText(vocab, JsonSerializer.Serialize(map, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        File.WriteAllLines(merges, ["#version: 0.2", .. v.Merges]);
        return (vocab, merges);
    }
}
