using MultiModal.Encoders.Tokenization;

namespace MultiModal.Encoders.Tests.Tokenization;

public sealed class ClipPreTokenizerTests
{
    // Expected pieces are separated by '·'; they match regex.findall with OpenAI's pattern in Python.
    [Theory]
    [InlineData("it's a dog's life", "it·'s·a·dog·'s·life")]
    [InlineData("a!<|startoftext|>b <|endoftext|>", "a·!<|·startoftext·|>·b·<|endoftext|>")]
    [InlineData("it'ſ x\u0345y 2024 ''s", "it·'ſ·x·y·2·0·2·4·''·s")]
    [InlineData("😀😃 ümlaut,", "😀😃·ümlaut·,")]
    public void PreTokenize_StringAndSpan_GiveRegexPieces(string text, string expected)
    {
        string[] fromString = [.. ClipPreTokenizer.Instance.PreTokenize(text).Select(p => text.Substring(p.Offset, p.Length))];
        string[] fromSpan = [.. ClipPreTokenizer.Instance.PreTokenize(text.AsSpan()).Select(p => text.Substring(p.Offset, p.Length))];

        Assert.Equal(expected.Split('·'), fromString);
        Assert.Equal(fromString, fromSpan);
    }
}
