using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace MultiModal.Encoders.Tokenization;

/// <summary>
/// A CLIP BPE vocabulary as loaded from disk: tokens by id, merges by rank and the two special ids. Loading checks
/// everything the tokenizer relies on, so a bad file fails here with a <see cref="ClipVocabularyException"/>.
/// </summary>
internal sealed class ClipVocabulary
{
    /// <summary>Start-of-text token, as OpenAI's SimpleTokenizer spells it.</summary>
    public const string StartOfText = "<|startoftext|>";

    /// <summary>End-of-text token.</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>Merges CLIP reads from its archive: lines [1 : 49152 - 256 - 2 + 1] (OpenAI simple_tokenizer.py).</summary>
    public const int ArchiveMergeCount = 49152 - 256 - 2;

    // Far above the real files (3.2 MB decompressed archive, 1.6 MB vocab.json, 0.5 MB merges.txt).
    private const long MaxFileBytes = 64L << 20;

    private ClipVocabulary(string[] tokens, string[] merges, int startOfTextId, int endOfTextId)
    {
        Tokens = tokens;
        Merges = merges;
        StartOfTextId = startOfTextId;
        EndOfTextId = endOfTextId;
    }

    /// <summary>Token string by id; the ids are exactly 0..Count-1.</summary>
    public string[] Tokens { get; }

    /// <summary>Merges by rank, each "left right".</summary>
    public string[] Merges { get; }

    /// <summary>Id of <see cref="StartOfText"/>.</summary>
    public int StartOfTextId { get; }

    /// <summary>Id of <see cref="EndOfText"/>.</summary>
    public int EndOfTextId { get; }

    /// <summary>Reads OpenAI's <c>bpe_simple_vocab_16e6.txt.gz</c> and builds the vocabulary as SimpleTokenizer does.</summary>
    public static ClipVocabulary LoadBpeArchive(string path)
    {
        var merges = new string[ArchiveMergeCount];
        try
        {
            using var reader = new StreamReader(
                new BoundedReadStream(new GZipStream(File.OpenRead(path), CompressionMode.Decompress), MaxFileBytes),
                new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
            _ = reader.ReadLine() ?? throw new ClipVocabularyException(path, "is empty after decompression.");
            for (int i = 0; i < merges.Length; i++)
            {
                merges[i] = reader.ReadLine() ?? throw new ClipVocabularyException(path,
                    $"has {i} merge lines after the header; CLIP needs {ArchiveMergeCount} (lines 2..{ArchiveMergeCount + 1}).");
            }
        }
        catch (InvalidDataException e)
        {
            throw new ClipVocabularyException(path, $"is not a readable gzip file ({e.Message}).", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new ClipVocabularyException(path, "is not valid UTF-8 after decompression.", e);
        }

        // vocab = the 256 byte symbols, the same with "</w>", each merge joined, then the two special tokens.
        var tokens = new List<string>(512 + merges.Length + 2);
        foreach (char c in ByteLevelAlphabet.VocabularyOrder)
        {
            tokens.Add(c.ToString());
        }
        foreach (char c in ByteLevelAlphabet.VocabularyOrder)
        {
            tokens.Add(c + ByteLevelAlphabet.EndOfWord);
        }
        var ids = new Dictionary<string, int>(tokens.Count + merges.Length + 2, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Count; i++)
        {
            ids.Add(tokens[i], i);
        }
        for (int i = 0; i < merges.Length; i++)
        {
            (string left, string right) = SplitMerge(path, merges[i], lineNumber: i + 2);
            RequireKnown(path, ids, left, i + 2);
            RequireKnown(path, ids, right, i + 2);
            if (!ids.TryAdd(left + right, tokens.Count))
            {
                throw new ClipVocabularyException(path, $"line {i + 2} ('{merges[i]}') repeats an earlier merge.");
            }
            tokens.Add(left + right);
        }
        ids.Add(StartOfText, tokens.Count);
        tokens.Add(StartOfText);
        ids.Add(EndOfText, tokens.Count);
        tokens.Add(EndOfText);
        return new ClipVocabulary([.. tokens], merges, ids[StartOfText], ids[EndOfText]);
    }

    /// <summary>Reads Hugging Face CLIPTokenizer files: vocab.json (token → id) and merges.txt ("#version" header, "a b" lines).</summary>
    public static ClipVocabulary LoadHuggingFace(string vocabJsonPath, string mergesPath)
    {
        string[] tokens = ReadVocabJson(vocabJsonPath, out Dictionary<string, int> ids);
        CheckFileSize(mergesPath);
        var merges = new List<string>(ArchiveMergeCount);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int lineNumber = 0;
        IEnumerable<string> lines = File.ReadLines(mergesPath, new UTF8Encoding(false, throwOnInvalidBytes: true));
        foreach (string line in WithUtf8Check(mergesPath, lines))
        {
            lineNumber++;
            // Hugging Face tokenizers skips "#version" lines; blank lines carry no merge.
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)))
            {
                continue;
            }
            (string left, string right) = SplitMerge(mergesPath, line, lineNumber);
            RequireKnown(mergesPath, ids, left, lineNumber);
            RequireKnown(mergesPath, ids, right, lineNumber);
            RequireKnown(mergesPath, ids, left + right, lineNumber);
            if (!seen.Add(line))
            {
                throw new ClipVocabularyException(mergesPath, $"line {lineNumber} ('{line}') repeats an earlier merge.");
            }
            merges.Add(line);
        }
        if (merges.Count == 0)
        {
            throw new ClipVocabularyException(mergesPath, "holds no merges.");
        }
        return new ClipVocabulary(tokens, [.. merges], ids[StartOfText], ids[EndOfText]);
    }

    private static IEnumerable<string> WithUtf8Check(string path, IEnumerable<string> lines)
    {
        using IEnumerator<string> e = lines.GetEnumerator();
        while (true)
        {
            try
            {
                if (!e.MoveNext())
                {
                    yield break;
                }
            }
            catch (DecoderFallbackException ex)
            {
                throw new ClipVocabularyException(path, "is not valid UTF-8.", ex);
            }
            yield return e.Current;
        }
    }

    private static string[] ReadVocabJson(string path, out Dictionary<string, int> ids)
    {
        CheckFileSize(path);
        Dictionary<string, int>? map;
        try
        {
            using FileStream stream = File.OpenRead(path);
            map = JsonSerializer.Deserialize<Dictionary<string, int>>(stream);
        }
        catch (JsonException e)
        {
            throw new ClipVocabularyException(path, $"is not a JSON object mapping tokens to integer ids ({e.Message}).", e);
        }
        if (map is null || map.Count == 0)
        {
            throw new ClipVocabularyException(path, "holds no tokens.");
        }
        var tokens = new string[map.Count];
        foreach ((string token, int id) in map)
        {
            if ((uint)id >= (uint)tokens.Length)
            {
                throw new ClipVocabularyException(path, $"token '{token}' has id {id}; ids must be 0..{tokens.Length - 1} (one per token).");
            }
            if (tokens[id] is not null)
            {
                throw new ClipVocabularyException(path, $"tokens '{tokens[id]}' and '{token}' share id {id}.");
            }
            foreach (char c in token)
            {
                if (ByteLevelAlphabet.ToByte(c) < 0)
                {
                    throw new ClipVocabularyException(path, $"token '{token}' (id {id}) holds U+{(int)c:X4}, which is not a byte-level symbol.");
                }
            }
            tokens[id] = token;
        }
        // Byte-level BPE must be able to spell any text: every byte symbol, alone and word-final, has to exist.
        foreach (char c in ByteLevelAlphabet.VocabularyOrder)
        {
            RequireKnown(path, map, c.ToString(), lineNumber: 0);
            RequireKnown(path, map, c + ByteLevelAlphabet.EndOfWord, lineNumber: 0);
        }
        RequireKnown(path, map, StartOfText, lineNumber: 0);
        RequireKnown(path, map, EndOfText, lineNumber: 0);
        ids = new Dictionary<string, int>(map, StringComparer.Ordinal);
        return tokens;
    }

    private static (string Left, string Right) SplitMerge(string path, string line, int lineNumber)
    {
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
        {
            string shown = line.Length > 80 ? line[..80] + "..." : line;
            throw new ClipVocabularyException(path, $"line {lineNumber} ('{shown}') is not a merge of two tokens separated by one space.");
        }
        return (line[..space], line[(space + 1)..]);
    }

    private static void RequireKnown(string path, Dictionary<string, int> ids, string token, int lineNumber)
    {
        if (!ids.ContainsKey(token))
        {
            string where = lineNumber > 0 ? $"line {lineNumber} needs token" : "lacks the required token";
            throw new ClipVocabularyException(path, $"{where} '{token}', which is not in the vocabulary.");
        }
    }

    private static void CheckFileSize(string path)
    {
        long length = new FileInfo(path).Length; // throws FileNotFoundException naming the path when missing
        if (length > MaxFileBytes)
        {
            throw new ClipVocabularyException(path, $"is {length} bytes; a CLIP vocabulary file is far below {MaxFileBytes}.");
        }
    }
}
