using System.Text;
using System.Text.Json;

namespace MultiModal.Fuzz;

/// <summary>
/// The smallest CLIP vocabulary the tokenizer accepts (Hugging Face files: every byte symbol alone and word-final, one
/// merge, the two special tokens): 515 tokens. The checkpoint target passes it as <c>TokenizerPath</c>, so fuzz
/// inputs need not carry a 1.5 MB vocabulary and executions do not spend their time reading one.
/// </summary>
public static class TinyVocabulary
{
    /// <summary>Tokens in the vocabulary (the seeds' <c>vocab_size</c>).</summary>
    public const int Size = 515;

    /// <summary>Writes vocab.json and merges.txt into <paramref name="directory"/> (created if needed).</summary>
    public static void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var symbols = ByteSymbols();
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in symbols)
        {
            vocab[s] = vocab.Count;
        }
        foreach (var s in symbols)
        {
            vocab[s + "</w>"] = vocab.Count;
        }
        vocab["ab</w>"] = vocab.Count;
        vocab["<|startoftext|>"] = vocab.Count;
        vocab["<|endoftext|>"] = vocab.Count;
        File.WriteAllText(Path.Combine(directory, "vocab.json"), JsonSerializer.Serialize(vocab), new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(directory, "merges.txt"), "#version: 0.2\na b</w>\n", new UTF8Encoding(false));
    }

    // GPT-2's bytes_to_unicode: printable Latin-1 bytes map to themselves, the rest to U+0100 onwards (CLIP's
    // simple_tokenizer.py uses the same table).
    private static List<string> ByteSymbols()
    {
        var direct = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToList();
        var symbols = direct.Select(b => ((char)b).ToString()).ToList();
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            if (!direct.Contains(b))
            {
                symbols.Add(((char)next++).ToString());
            }
        }
        return symbols;
    }
}
