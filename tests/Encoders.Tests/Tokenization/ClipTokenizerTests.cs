using MultiModal.Encoders.Tokenization;

namespace MultiModal.Encoders.Tests.Tokenization;

public sealed class ClipTokenizerTests
{
    private const int Sot = 49406;
    private const int Eot = 49407;

    private static ClipTokenizer Tokenizer => ClipReferenceCases.Tokenizer;

    [Fact]
    public void Properties_OpenAiVocabulary_MatchSimpleTokenizer()
    {
        Assert.Equal(49408, Tokenizer.VocabularySize);
        Assert.Equal(Sot, Tokenizer.StartOfTextId);
        Assert.Equal(Eot, Tokenizer.EndOfTextId);
        Assert.Equal(77, Tokenizer.ContextLength);
        Assert.True(Tokenizer.Options.Truncate);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" \t\r\n\u00A0\u3000\u001C ")]
    public void Encode_EmptyOrWhiteSpace_ReturnsNoIds(string text)
    {
        Assert.Empty(Tokenizer.Encode(text));

        TokenBatch batch = Tokenizer.Tokenize([text]);

        Assert.Equal([Sot, Eot], batch.Ids[..2]);
        Assert.All(batch.Ids[2..], id => Assert.Equal(0, id));
    }

    [Fact]
    public void Encode_Digits_SplitsOneTokenPerDigit()
    {
        IReadOnlyList<int> ids = Tokenizer.Encode("2024");

        // "2</w>" = 273, "0</w>" = 271, "4</w>" = 275: each digit is its own word-final token.
        Assert.Equal([273, 271, 273, 275], ids);
    }

    [Fact]
    public void Encode_HtmlEntities_SameAsTheCharacters()
    {
        Assert.Equal(Tokenizer.Encode("<b> & \"x\""), Tokenizer.Encode("&lt;b&gt; &amp;amp; &quot;x&quot;"));
    }

    [Fact]
    public void Encode_UpperCase_SameAsLowerCase()
    {
        Assert.Equal(Tokenizer.Encode("a photo of a dog"), Tokenizer.Encode("A PHOTO OF A DOG"));
    }

    [Fact]
    public void Encode_SpecialTokenText_MapsToSpecialId()
    {
        Assert.Equal([Sot, 320, Eot], Tokenizer.Encode("<|startoftext|>a<|endoftext|>"));
    }

    [Fact]
    public void Encode_UnpairedSurrogate_ThrowsArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() => Tokenizer.Encode("ab\uD800c"));

        Assert.Contains("char index 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokenize_LongTextWithTruncate_KeepsFirstIdsAndEndTokenLast()
    {
        string text = string.Join(' ', Enumerable.Repeat("word", 100));
        IReadOnlyList<int> ids = Tokenizer.Encode(text);

        TokenBatch batch = Tokenizer.Tokenize(["a dog", text]);
        ReadOnlySpan<long> row = batch.Row(1);

        Assert.Equal(100, ids.Count);
        Assert.Equal(Sot, row[0]);
        Assert.Equal(ids.Take(75).Select(i => (long)i), row[1..76].ToArray());
        Assert.Equal(Eot, row[76]);
    }

    [Fact]
    public void Tokenize_LongTextWithoutTruncate_ThrowsNamingIndexAndLength()
    {
        var strict = ClipTokenizer.FromBpeFile(TestPaths.ClipVocabulary, new ClipTokenizerOptions { Truncate = false });
        string tooLong = string.Join(' ', Enumerable.Repeat("a", 76)); // 76 ids + 2 = 78 > 77

        var e = Assert.Throws<TextTooLongException>(() => strict.Tokenize(["a dog", tooLong]));

        Assert.Equal(1, e.TextIndex);
        Assert.Equal(78, e.TokenCount);
        Assert.Equal(77, e.ContextLength);
        Assert.Contains("Text 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokenize_TextFillingContextExactlyWithoutTruncate_Succeeds()
    {
        var strict = ClipTokenizer.FromBpeFile(TestPaths.ClipVocabulary, new ClipTokenizerOptions { Truncate = false });
        string text = string.Join(' ', Enumerable.Repeat("a", 75)); // 75 ids + 2 = 77

        TokenBatch batch = strict.Tokenize([text]);

        Assert.Equal(Eot, batch.Ids[76]);
        Assert.All(batch.Ids[1..76], id => Assert.Equal(320, id));
    }

    [Fact]
    public void Tokenize_ShortContextLength_TruncatesToStartAndEnd()
    {
        var tiny = ClipTokenizer.FromBpeFile(TestPaths.ClipVocabulary, new ClipTokenizerOptions { ContextLength = 4 });

        TokenBatch batch = tiny.Tokenize(["a photo of a dog", "dog", ""]);

        Assert.Equal(3, batch.Count);
        Assert.Equal([Sot, 320, 1125, Eot, Sot, 1929, Eot, 0, Sot, Eot, 0, 0], batch.Ids);
    }

    [Fact]
    public void Tokenize_EmptyBatch_ReturnsNoRows()
    {
        TokenBatch batch = Tokenizer.Tokenize([]);

        Assert.Equal(0, batch.Count);
        Assert.Empty(batch.Ids);
    }

    [Fact]
    public void Tokenize_NullText_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => Tokenizer.Tokenize(["a", null!]));
    }

    [Fact]
    public void Tokenize_DestinationOfWrongLength_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Tokenizer.Tokenize("a dog", new long[76]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(ClipTokenizerOptions.MaxContextLength + 1)]
    public void Validate_ContextLengthOutOfRange_ThrowsNamingField(int contextLength)
    {
        var options = new ClipTokenizerOptions { ContextLength = contextLength };

        var e = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(nameof(ClipTokenizerOptions.ContextLength), e.ParamName);
    }

    [Fact]
    public void Decode_EncodedText_ReturnsCleanedTextWithTrailingSpace()
    {
        // SimpleTokenizer.decode turns every "</w>" into a space and trims nothing.
        Assert.Equal("a photo of a dog ", Tokenizer.Decode(Tokenizer.Encode("A  Photo of a DOG")));
        Assert.Equal("日本語 のテキスト ", Tokenizer.Decode(Tokenizer.Encode("日本語 のテキスト")));
    }

    [Fact]
    public void Decode_IdOutsideVocabulary_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Decode([320, 49408]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Decode([-1]));
    }

    [Fact]
    public void Encode_ParallelCalls_GiveSequentialIds()
    {
        // A fresh tokenizer so that the BPE word cache fills while threads race on it.
        var tokenizer = ClipTokenizer.FromBpeFile(TestPaths.ClipVocabulary);
        string[] texts = [.. ClipReferenceCases.Shared.Concat(ClipReferenceCases.Edge).Select(c => c.Text).Where(t => t.Length > 0)];
        int[][] expected = [.. texts.Select(t => ClipReferenceCases.Tokenizer.Encode(t).ToArray())];
        var results = new int[texts.Length * 4][];

        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            i => results[i] = [.. tokenizer.Encode(texts[i % texts.Length])]);

        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % texts.Length], results[i]);
        }
    }
}
