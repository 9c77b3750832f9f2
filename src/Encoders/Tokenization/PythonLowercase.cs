using System.Globalization;
using System.Text;

namespace MultiModal.Encoders.Tokenization;

/// <summary>
/// Python's <c>str.lower()</c>. Per code point it equals <see cref="Rune.ToLowerInvariant(Rune)"/> (checked over
/// every code point assigned in Unicode 14) except for two rules from SpecialCasing.txt that Python applies:
/// U+0130 'İ' lowers to "i\u0307", and a capital sigma in the Final_Sigma context lowers to 'ς' instead of 'σ'
/// (CPython Objects/unicodeobject.c, handle_capital_sigma).
/// </summary>
internal static class PythonLowercase
{
    private const int CapitalSigma = 0x03A3;

    /// <summary>Python's <c>text.lower()</c>; returns <paramref name="text"/> itself when nothing changes.</summary>
    public static string Lower(string text)
    {
        int first = FirstChange(text);
        if (first < 0)
        {
            return text;
        }
        var sb = new StringBuilder(text.Length + 8);
        sb.Append(text, 0, first);
        for (int i = first; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune r, out int width);
            if (r.Value == 0x0130)
            {
                sb.Append("i\u0307");
            }
            else if (r.Value == CapitalSigma)
            {
                sb.Append(IsFinalSigma(text, i) ? 'ς' : 'σ');
            }
            else
            {
                sb.Append(Rune.ToLowerInvariant(r).ToString());
            }
            i += width;
        }
        return sb.ToString();
    }

    private static int FirstChange(string text)
    {
        for (int i = 0; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune r, out int width);
            if (r.Value == 0x0130 || Rune.ToLowerInvariant(r) != r)
            {
                return i;
            }
            i += width;
        }
        return -1;
    }

    // Final_Sigma: \p{Cased}\p{Case_Ignorable}* before the sigma and no \p{Case_Ignorable}*\p{Cased} after it.
    private static bool IsFinalSigma(string text, int index)
    {
        int j = index;
        Rune before = default;
        bool found = false;
        while (j > 0)
        {
            Rune.DecodeLastFromUtf16(text.AsSpan(0, j), out before, out int width);
            j -= width;
            if (!IsCaseIgnorable(before))
            {
                found = true;
                break;
            }
        }
        if (!found || !IsCased(before))
        {
            return false;
        }
        for (int k = index + 1; k < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(k), out Rune after, out int width);
            if (!IsCaseIgnorable(after))
            {
                return !IsCased(after);
            }
            k += width;
        }
        return true;
    }

    // Case_Ignorable (DerivedCoreProperties.txt) = Mn | Me | Cf | Lm | Sk | Word_Break in {MidLetter, MidNumLet,
    // Single_Quote}; the last group is listed by hand. Matches CPython 3.11 on all of Unicode 14.
    private static bool IsCaseIgnorable(Rune r) =>
        Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol
        || r.Value is 0x27 or 0x2E or 0x3A or 0xB7 or 0x387 or 0x55F or 0x5F4 or 0x2018 or 0x2019 or 0x2024 or 0x2027
            or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A;

    // Cased = Lu | Ll | Lt | Other_Lowercase | Other_Uppercase; the Other_* code points that are not also
    // Case_Ignorable (those are skipped before this test) are listed by hand.
    private static bool IsCased(Rune r) =>
        Rune.GetUnicodeCategory(r) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter
        || r.Value is 0xAA or 0xBA or >= 0x2160 and <= 0x217F or >= 0x24B6 and <= 0x24E9
            or >= 0x1F130 and <= 0x1F149 or >= 0x1F150 and <= 0x1F169 or >= 0x1F170 and <= 0x1F189;
}
