using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace MultiModal.Encoders.Tokenization;

/// <summary>
/// CLIP's pre-tokenizer: <c>re.findall</c> of
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>
/// with IGNORECASE (Python <c>regex</c> module), written as a scanner over text that is already cleaned and lower-cased.
/// </summary>
/// <remarks>
/// On lower-cased text IGNORECASE changes two things, both reproduced here (found by testing every code point
/// against the <c>regex</c> module): U+017F 'ſ' matches a literal 's' (so "'ſ" is a contraction and
/// "&lt;|ſtartoftext|&gt;" is one piece), and U+0345 (combining ypogegrammeni, whose case partner is a letter)
/// matches none of the alternatives, so it is dropped like white space.
/// Letters and numbers are the general categories L* and N*; .NET's and Python 3.11's tables agree on every code
/// point assigned in Unicode 14.
/// </remarks>
internal sealed class ClipPreTokenizer : PreTokenizer
{
    private const int IotaSubscript = 0x0345;
    private const string StartOfText = "<|startoftext|>";
    private const string EndOfText = "<|endoftext|>";

    /// <summary>The one instance; the type holds no state.</summary>
    public static ClipPreTokenizer Instance { get; } = new();

    private ClipPreTokenizer()
    {
    }

    /// <inheritdoc/>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Split(text);
    }

    /// <inheritdoc/>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text)
    {
        var pieces = new List<(int, int)>();
        int i = 0;
        while (NextPiece(text, ref i, out int start))
        {
            pieces.Add((start, i - start));
        }
        return pieces;
    }

    private static IEnumerable<(int Offset, int Length)> Split(string text)
    {
        int i = 0;
        while (NextPiece(text, ref i, out int start))
        {
            yield return (start, i - start);
        }
    }

    /// <summary>Finds the next piece at or after <paramref name="i"/>; on success it spans [start, i).</summary>
    internal static bool NextPiece(ReadOnlySpan<char> text, ref int i, out int start)
    {
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text[i..], out Rune r, out int width);
            if (ClipTextCleaner.IsRegexSpace(r) || r.Value == IotaSubscript)
            {
                i += width;
                continue;
            }
            start = i;
            int literal = r.Value switch
            {
                '<' => MatchSpecialToken(text[i..]),
                '\'' => MatchContraction(text[i..]),
                _ => 0,
            };
            if (literal > 0)
            {
                i += literal;
                return true;
            }
            Kind kind = Classify(r);
            i += width;
            if (kind == Kind.Number)
            {
                return true; // [\p{N}] takes one code point
            }
            while (i < text.Length)
            {
                Rune.DecodeFromUtf16(text[i..], out Rune next, out int w);
                if (Classify(next) != kind || ClipTextCleaner.IsRegexSpace(next) || next.Value == IotaSubscript)
                {
                    break;
                }
                i += w;
            }
            return true;
        }
        start = i;
        return false;
    }

    private enum Kind
    {
        Letter,
        Number,
        Other,
    }

    private static Kind Classify(Rune r) => Rune.GetUnicodeCategory(r) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Kind.Letter,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Kind.Number,
        _ => Kind.Other,
    };

    private static int MatchSpecialToken(ReadOnlySpan<char> s) =>
        MatchLiteral(s, StartOfText) ? StartOfText.Length : MatchLiteral(s, EndOfText) ? EndOfText.Length : 0;

    // 's|'t|'re|'ve|'m|'ll|'d: none is a prefix of another, so their order does not matter.
    private static int MatchContraction(ReadOnlySpan<char> s)
    {
        foreach (string c in (ReadOnlySpan<string>)["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"])
        {
            if (MatchLiteral(s, c))
            {
                return c.Length;
            }
        }
        return 0;
    }

    // Literal match under IGNORECASE on lower-cased text: only 's' has another case partner left, U+017F.
    private static bool MatchLiteral(ReadOnlySpan<char> s, string literal)
    {
        if (s.Length < literal.Length)
        {
            return false;
        }
        for (int k = 0; k < literal.Length; k++)
        {
            if (s[k] != literal[k] && !(literal[k] == 's' && s[k] == '\u017F'))
            {
                return false;
            }
        }
        return true;
    }
}
