using System.Text;

namespace MultiModal.Encoders.Tokenization;

/// <summary>
/// CLIP's text clean-up, <c>whitespace_clean(basic_clean(text)).lower()</c> from OpenAI CLIP simple_tokenizer.py, with
/// <c>ftfy.fix_text</c> replaced by Unicode NFC as in the project's reference outputs (shared/reference/README.md).
/// </summary>
/// <remarks>
/// Python has two notions of white space here and both matter: <c>str.strip()</c> uses <c>str.isspace</c>, which
/// also holds for U+001C..U+001F, while the <c>regex</c> module's <c>\s</c> is Unicode White_Space, which equals
/// <see cref="char.IsWhiteSpace(char)"/> (checked over all code points). All of them are in the BMP.
/// </remarks>
internal static class ClipTextCleaner
{
    /// <summary>Runs the clean-up; <paramref name="what"/> names the text in error messages.</summary>
    /// <exception cref="ArgumentException">The text holds an unpaired UTF-16 surrogate.</exception>
    public static string Clean(string text, string what)
    {
        int bad = IndexOfUnpairedSurrogate(text);
        if (bad >= 0)
        {
            // Python strings cannot reach this state through the reference: .encode('utf-8') raises on it.
            throw new ArgumentException(
                $"{what} holds an unpaired UTF-16 surrogate (U+{(int)text[bad]:X4}) at char index {bad}; it cannot be encoded as UTF-8.",
                nameof(text));
        }
        string s = text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
        s = PythonHtml.Unescape(PythonHtml.Unescape(s));
        s = PythonStrip(s);
        s = CollapseWhiteSpace(s);
        s = PythonStrip(s);
        return PythonLowercase.Lower(s);
    }

    /// <summary>The <c>regex</c> module's <c>\s</c> on a code point.</summary>
    public static bool IsRegexSpace(Rune r) => Rune.IsWhiteSpace(r);

    private static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1C' and <= '\x1F';

    /// <summary><c>str.strip()</c> with no arguments.</summary>
    private static string PythonStrip(string s)
    {
        int start = 0;
        int end = s.Length;
        while (start < end && IsPythonSpace(s[start]))
        {
            start++;
        }
        while (end > start && IsPythonSpace(s[end - 1]))
        {
            end--;
        }
        return start == 0 && end == s.Length ? s : s[start..end];
    }

    /// <summary><c>re.sub(r'\s+', ' ', s)</c> with the <c>regex</c> module.</summary>
    private static string CollapseWhiteSpace(string s)
    {
        int i = 0;
        for (; i < s.Length; i++)
        {
            if (char.IsWhiteSpace(s[i]) && (s[i] != ' ' || (i + 1 < s.Length && char.IsWhiteSpace(s[i + 1]))))
            {
                break;
            }
        }
        if (i == s.Length)
        {
            return s;
        }
        var sb = new StringBuilder(s.Length);
        sb.Append(s, 0, i);
        while (i < s.Length)
        {
            if (char.IsWhiteSpace(s[i]))
            {
                sb.Append(' ');
                while (i < s.Length && char.IsWhiteSpace(s[i]))
                {
                    i++;
                }
            }
            else
            {
                sb.Append(s[i++]);
            }
        }
        return sb.ToString();
    }

    private static int IndexOfUnpairedSurrogate(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return i;
            }
        }
        return -1;
    }
}
