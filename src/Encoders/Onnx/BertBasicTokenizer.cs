using System.Globalization;
using System.Text;
using MultiModal.Encoders.Tokenization;

namespace MultiModal.Encoders.Onnx;

/// <summary>
/// Hugging Face's BERT <c>BasicTokenizer</c> for uncased models (<c>do_lower_case=True</c>, accents stripped, CJK split),
/// producing the space-separated words WordPiece then splits.
/// </summary>
/// <remarks>
/// Steps, as transformers' tokenization_bert.py: drop NUL, U+FFFD and control characters (Cc/Cf except tab, LF, CR);
/// white space (tab, LF, CR, Zs) to a space; a space either side of each CJK ideograph; NFC; split on white space; each
/// word lower-cased as Python's <c>str.lower()</c>, NFD with non-spacing marks (Mn) removed, and split before and after
/// each punctuation character (ASCII 33–47, 58–64, 91–96, 123–126, or Unicode category P*).
/// Microsoft.ML.Tokenizers' own basic tokenization (2.0.1) differs: it drops words WordPiece cannot match (emoji,
/// "Ⅻ") instead of mapping them to [UNK], and drops "$"; so this step is done here and the library does WordPiece.
/// </remarks>
internal static class BertBasicTokenizer
{
    /// <summary>The basic tokens of <paramref name="text"/>, joined by single spaces.</summary>
    public static string Split(string text)
    {
        var cleaned = new StringBuilder(text.Length + 16);
        foreach (var r in text.EnumerateRunes())
        {
            if (r.Value is 0 or 0xFFFD || IsControl(r))
            {
                continue;
            }
            if (IsWhiteSpace(r))
            {
                cleaned.Append(' ');
            }
            else if (IsCjk(r.Value))
            {
                cleaned.Append(' ').Append(r.ToString()).Append(' ');
            }
            else
            {
                cleaned.Append(r.ToString());
            }
        }
        var normalized = cleaned.ToString().Normalize(NormalizationForm.FormC);
        var output = new StringBuilder(normalized.Length + 16);
        foreach (var word in normalized.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var stripped = PythonLowercase.Lower(word).Normalize(NormalizationForm.FormD);
            foreach (var r in stripped.EnumerateRunes())
            {
                if (Rune.GetUnicodeCategory(r) == UnicodeCategory.NonSpacingMark)
                {
                    continue;
                }
                if (IsPunctuation(r))
                {
                    output.Append(' ').Append(r.ToString()).Append(' ');
                }
                else
                {
                    output.Append(r.ToString());
                }
            }
            output.Append(' ');
        }
        return string.Join(' ', output.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static bool IsWhiteSpace(Rune r) =>
        r.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(r) == UnicodeCategory.SpaceSeparator;

    private static bool IsControl(Rune r) =>
        r.Value is not ('\t' or '\n' or '\r') && Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format;

    private static bool IsPunctuation(Rune r) =>
        r.Value is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126
        || Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    // The CJK Unified Ideographs blocks HF's _is_chinese_char lists (not Hiragana, Katakana or Hangul).
    private static bool IsCjk(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
