using System.Globalization;
using System.Text;

namespace MultiModal.Encoders.Tokenization;

/// <summary>
/// A port of Python's <c>html.unescape</c> (CPython Lib/html/__init__.py, 3.11), which CLIP's <c>basic_clean</c>
/// applies twice. <see cref="System.Net.WebUtility.HtmlDecode(string)"/> differs from it: it knows only the HTML4
/// names, needs the trailing ';' and maps invalid numeric references differently.
/// </summary>
internal static class PythonHtml
{
    // html._charref: &(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)
    private const int MaxNameCodePoints = 32;

    private static readonly Dictionary<string, string> Entities = ParseEntities();
    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> EntityLookup =
        Entities.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Python's <c>html.unescape(text)</c>; returns <paramref name="text"/> itself when it holds no '&amp;'.</summary>
    public static string Unescape(string text)
    {
        int amp = text.IndexOf('&');
        if (amp < 0)
        {
            return text;
        }
        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, amp);
        int i = amp;
        while (i < text.Length)
        {
            if (text[i] != '&')
            {
                int next = text.IndexOf('&', i);
                int end = next < 0 ? text.Length : next;
                sb.Append(text, i, end - i);
                i = end;
                continue;
            }
            i = ReplaceReference(text, i, sb);
        }
        return sb.ToString();
    }

    // Handles the '&' at `amp`; appends the replacement (or the text unchanged) and returns where scanning resumes.
    private static int ReplaceReference(string text, int amp, StringBuilder sb)
    {
        int p = amp + 1;
        if (p < text.Length && text[p] == '#')
        {
            bool hex = p + 1 < text.Length && text[p + 1] is 'x' or 'X';
            int digitsStart = hex ? p + 2 : p + 1;
            int q = digitsStart;
            while (q < text.Length && (hex ? char.IsAsciiHexDigit(text[q]) : char.IsAsciiDigit(text[q])))
            {
                q++;
            }
            if (q == digitsStart)
            {
                // "&#" without digits matches none of the three alternatives ('#' cannot start a name).
                sb.Append('&');
                return amp + 1;
            }
            sb.Append(NumericReference(text.AsSpan(digitsStart, q - digitsStart), hex));
            return q < text.Length && text[q] == ';' ? q + 1 : q;
        }

        // Named reference: 1..32 code points outside [\t\n\f <&#;], then an optional ';'.
        int end = p;
        int codePoints = 0;
        int firstNonAscii = -1;
        while (end < text.Length && codePoints < MaxNameCodePoints && text[end] is not ('\t' or '\n' or '\f' or ' ' or '<' or '&' or '#' or ';'))
        {
            if (firstNonAscii < 0 && !char.IsAscii(text[end]))
            {
                firstNonAscii = end;
            }
            end += char.IsHighSurrogate(text[end]) && end + 1 < text.Length && char.IsLowSurrogate(text[end + 1]) ? 2 : 1;
            codePoints++;
        }
        if (end == p)
        {
            sb.Append('&');
            return amp + 1;
        }
        if (end < text.Length && text[end] == ';')
        {
            end++;
        }
        ReadOnlySpan<char> name = text.AsSpan(p, end - p);
        if (EntityLookup.TryGetValue(name, out string? value))
        {
            sb.Append(value);
            return end;
        }
        // "find the longest matching name": prefixes of 2..len-1 code points. Names are ASCII, so only prefixes
        // before the first non-ASCII character can match, and there char and code point counts agree.
        int longest = firstNonAscii < 0 ? name.Length - 1 : Math.Min(name.Length - 1, firstNonAscii - p);
        for (int x = longest; x > 1; x--)
        {
            if (EntityLookup.TryGetValue(name[..x], out value))
            {
                sb.Append(value).Append(name[x..]);
                return end;
            }
        }
        sb.Append('&').Append(name);
        return end;
    }

    private static string NumericReference(ReadOnlySpan<char> digits, bool hex)
    {
        // Python's int() is unbounded; anything above U+10FFFF maps to U+FFFD, so saturate there.
        // (CPython 3.11 raises ValueError for more than 4300 decimal digits; we return U+FFFD instead.)
        const long Saturated = 0x110000;
        long num = 0;
        foreach (char c in digits)
        {
            int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
            num = Math.Min(num * (hex ? 16 : 10) + d, Saturated);
        }
        string? remapped = InvalidCharRef(num);
        if (remapped is not null)
        {
            return remapped;
        }
        if (num is >= 0xD800 and <= 0xDFFF || num > 0x10FFFF)
        {
            return "\uFFFD";
        }
        if (IsInvalidCodePoint((int)num))
        {
            return string.Empty;
        }
        return char.ConvertFromUtf32((int)num);
    }

    // html._invalid_charrefs: NUL, CR and the windows-1252 remapping of 0x80..0x9F (HTML5 "numeric character
    // reference end state"; 0x81, 0x8D, 0x8F, 0x90 and 0x9D map to themselves).
    private static string? InvalidCharRef(long num) => num switch
    {
        0x00 => "\uFFFD",
        0x0D => "\r",
        >= 0x80 and <= 0x9F => Windows1252High[(int)num - 0x80].ToString(),
        _ => null,
    };

    private const string Windows1252High =
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
        "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    // html._invalid_codepoints: C0 controls but TAB/LF/FF/CR, DEL and C1 controls, the noncharacters U+FDD0..U+FDEF
    // and U+xxFFFE/U+xxFFFF of every plane. They are dropped.
    private static bool IsInvalidCodePoint(int cp) =>
        cp is >= 0x1 and <= 0x8 or 0xB or >= 0xE and <= 0x1F or >= 0x7F and <= 0x9F or >= 0xFDD0 and <= 0xFDEF
        || (cp & 0xFFFE) == 0xFFFE;

    private static Dictionary<string, string> ParseEntities()
    {
        var map = new Dictionary<string, string>(HtmlEntityTable.Count, StringComparer.Ordinal);
        foreach (string entry in HtmlEntityTable.Data.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = entry.IndexOf(':', StringComparison.Ordinal);
            var value = new StringBuilder(2);
            foreach (string hex in entry[(colon + 1)..].Split('+'))
            {
                value.Append(char.ConvertFromUtf32(int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }
            map.Add(entry[..colon], value.ToString());
        }
        return map;
    }
}
