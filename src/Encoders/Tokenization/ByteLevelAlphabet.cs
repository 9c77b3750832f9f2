namespace MultiModal.Encoders.Tokenization;

/// <summary>
/// GPT-2 / CLIP byte-level alphabet: each of the 256 byte values is shown as one printable character so that BPE
/// tokens are ordinary strings (OpenAI CLIP simple_tokenizer.py <c>bytes_to_unicode</c>).
/// </summary>
internal static class ByteLevelAlphabet
{
    /// <summary>Suffix that marks the last symbol of a word in CLIP's vocabulary.</summary>
    public const string EndOfWord = "</w>";

    /// <summary>Byte value → alphabet character, in byte order.</summary>
    public static readonly char[] ByteToChar = BuildByteToChar();

    /// <summary>Alphabet characters in CLIP's vocabulary order (the printable bytes first, then the rest).</summary>
    public static readonly char[] VocabularyOrder = BuildVocabularyOrder();

    // Alphabet characters all lie below U+0144 (256 + 68), so a flat table decodes them.
    private static readonly short[] CharToByte = BuildCharToByte();

    /// <summary>The byte a symbol character stands for, or -1 when the character is not in the alphabet.</summary>
    public static int ToByte(char c) => c < CharToByte.Length ? CharToByte[c] : -1;

    private static bool IsPrintable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;

    private static char[] BuildVocabularyOrder()
    {
        // bytes_to_unicode(): printable bytes keep their code point, in byte order; the others follow, in byte
        // order, as 256 + n. Python's dict keeps that insertion order, which is the vocabulary order.
        var order = new char[256];
        int k = 0;
        for (int b = 0; b < 256; b++)
        {
            if (IsPrintable(b))
            {
                order[k++] = (char)b;
            }
        }
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            if (!IsPrintable(b))
            {
                order[k++] = (char)(256 + n++);
            }
        }
        return order;
    }

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            map[b] = IsPrintable(b) ? (char)b : (char)(256 + n++);
        }
        return map;
    }

    private static short[] BuildCharToByte()
    {
        var map = new short[256 + 68 + 1];
        Array.Fill(map, (short)-1);
        for (int b = 0; b < 256; b++)
        {
            map[ByteToChar[b]] = (short)b;
        }
        return map;
    }
}
