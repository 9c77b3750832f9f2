using MultiModal.Encoders.Tokenization;

namespace MultiModal.Encoders.Tests.Tokenization;

/// <summary>
/// Exact parity with the Python reference: ids are integers, so the tolerance is zero, for every case.
/// </summary>
public sealed class ClipTokenizerParityTests
{
    public static TheoryData<int, string> SharedRows => ClipReferenceCases.Rows(ClipReferenceCases.Shared, "text");

    public static TheoryData<int, string> EdgeTextRows => ClipReferenceCases.Rows(ClipReferenceCases.Edge, "text", "random");

    public static TheoryData<int, string> EdgeUnescapeRows => ClipReferenceCases.Rows(ClipReferenceCases.Edge, "unescape");

    public static TheoryData<int, string> EdgeDecodeRows => ClipReferenceCases.Rows(ClipReferenceCases.Edge, "decode");

    [Theory]
    [MemberData(nameof(SharedRows))]
    public void Encode_SharedReferenceCase_MatchesOpenClipIds(int index, string label)
    {
        ClipReferenceCase c = ClipReferenceCases.Shared[index];

        IReadOnlyList<int> ids = ClipReferenceCases.Tokenizer.Encode(c.Text);

        Assert.True(c.BpeIds.SequenceEqual(ids), $"{label}: expected [{string.Join(",", c.BpeIds)}], got [{string.Join(",", ids)}]");
    }

    [Theory]
    [MemberData(nameof(SharedRows))]
    public void Tokenize_SharedReferenceCase_MatchesOpenClipRow(int index, string label)
    {
        ClipReferenceCase c = ClipReferenceCases.Shared[index];

        TokenBatch batch = ClipReferenceCases.Tokenizer.Tokenize([c.Text]);

        Assert.Equal(1, batch.Count);
        Assert.Equal(77, batch.ContextLength);
        Assert.True(c.Tokens77.SequenceEqual(batch.Ids), $"{label}: row differs");
    }

    [Theory]
    [MemberData(nameof(EdgeTextRows))]
    public void EncodeTokenizeDecode_EdgeCase_MatchesSimpleTokenizer(int index, string label)
    {
        ClipReferenceCase c = ClipReferenceCases.Edge[index];
        ClipTokenizer tokenizer = ClipReferenceCases.Tokenizer;

        IReadOnlyList<int> ids = tokenizer.Encode(c.Text);
        var row = new long[77];
        tokenizer.Tokenize(c.Text, row);
        string decoded = tokenizer.Decode(ids);

        Assert.True(c.BpeIds.SequenceEqual(ids), $"{label}: expected [{string.Join(",", c.BpeIds)}], got [{string.Join(",", ids)}]");
        Assert.True(c.Tokens77.SequenceEqual(row), $"{label}: row differs");
        Assert.Equal(c.Decoded, decoded);
    }

    [Theory]
    [MemberData(nameof(EdgeUnescapeRows))]
    public void Unescape_EdgeCase_MatchesPythonHtmlUnescape(int index, string label)
    {
        ClipReferenceCase c = ClipReferenceCases.Edge[index];

        string unescaped = PythonHtml.Unescape(c.Text);

        Assert.True(c.Unescaped == unescaped, $"{label}: expected '{c.Unescaped}', got '{unescaped}'");
    }

    [Theory]
    [MemberData(nameof(EdgeDecodeRows))]
    public void Decode_IdsSplittingUtf8_MatchesPythonReplacement(int index, string label)
    {
        ClipReferenceCase c = ClipReferenceCases.Edge[index];

        string decoded = ClipReferenceCases.Tokenizer.Decode(c.Ids);

        Assert.True(c.Decoded == decoded, $"{label}: [{string.Join(",", c.Ids)}] expected '{c.Decoded}', got '{decoded}'");
    }
}
