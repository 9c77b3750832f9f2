using System.Text;
using Microsoft.ML.Tokenizers;

namespace MultiModal.Encoders.Tokenization;

/// <summary>
/// The CLIP text tokenizer: OpenAI CLIP's <c>SimpleTokenizer</c> (byte-level BPE, 49408 tokens) and
/// <c>open_clip.tokenize</c>, reproduced id for id.
/// </summary>
/// <remarks>
/// <para>Pipeline, as in OpenAI CLIP simple_tokenizer.py: NFC (standing in for <c>ftfy.fix_text</c>, see
/// shared/reference/README.md), Python's <c>html.unescape</c> twice, strip, white space runs to one space, strip,
/// Python's <c>str.lower()</c>, CLIP's pre-tokenizer regex, then byte-level BPE with the "&lt;/w&gt;" word-end suffix.
/// The BPE step is Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/> (its priority-queue merge gives the same
/// result as SimpleTokenizer's lowest-rank-first loop); clean-up and pre-tokenization are this library's own,
/// because Python's white space, lower-casing, entity table and regex differ from .NET's in corner cases.</para>
/// <para>Thread-safe: instances are immutable, and <see cref="BpeTokenizer"/>'s word cache takes a lock and holds at
/// most 10,000 words of up to 15 chars.</para>
/// </remarks>
public sealed class ClipTokenizer
{
    /// <summary>File name of OpenAI's BPE archive.</summary>
    public const string BpeArchiveFileName = "bpe_simple_vocab_16e6.txt.gz";

    /// <summary>File name of a Hugging Face vocabulary (token → id).</summary>
    public const string VocabularyJsonFileName = "vocab.json";

    /// <summary>File name of Hugging Face merges.</summary>
    public const string MergesFileName = "merges.txt";

    private readonly BpeTokenizer _bpe;
    private readonly string[] _tokens;

    private ClipTokenizer(ClipVocabulary vocabulary, ClipTokenizerOptions options, IReadOnlyList<string> sourceFiles)
    {
        SourceFiles = sourceFiles;
        _tokens = vocabulary.Tokens;
        StartOfTextId = vocabulary.StartOfTextId;
        EndOfTextId = vocabulary.EndOfTextId;
        Options = options;
        var vocab = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        for (int id = 0; id < _tokens.Length; id++)
        {
            vocab.Add(_tokens[id], id);
        }
        _bpe = BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = vocabulary.Merges,
            ByteLevel = true,
            EndOfWordSuffix = ByteLevelAlphabet.EndOfWord,
            PreTokenizer = ClipPreTokenizer.Instance,
            // A piece that is exactly a special token maps to its id, as SimpleTokenizer's pre-filled cache does.
            SpecialTokens = new Dictionary<string, int>
            {
                [ClipVocabulary.StartOfText] = StartOfTextId,
                [ClipVocabulary.EndOfText] = EndOfTextId,
            },
        });
    }

    /// <summary>Id of the start-of-text token (49406 in OpenAI's vocabulary).</summary>
    public int StartOfTextId { get; }

    /// <summary>Id of the end-of-text token (49407 in OpenAI's vocabulary).</summary>
    public int EndOfTextId { get; }

    /// <summary>Number of tokens, special tokens included (49408 in OpenAI's vocabulary).</summary>
    public int VocabularySize => _tokens.Length;

    /// <summary>Tokens per row in <see cref="Tokenize(IReadOnlyList{string})"/>.</summary>
    public int ContextLength => Options.ContextLength;

    /// <summary>The options this tokenizer was made with.</summary>
    public ClipTokenizerOptions Options { get; }

    /// <summary>The vocabulary files it was loaded from (the archive, or vocab.json and merges.txt), as full paths.</summary>
    public IReadOnlyList<string> SourceFiles { get; }

    /// <summary>Loads OpenAI's BPE archive (<see cref="BpeArchiveFileName"/>, gzip).</summary>
    /// <param name="path">The archive.</param>
    /// <param name="options">Row layout; null means the defaults (77 tokens, truncate).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ClipVocabularyException">The file is not a CLIP BPE archive (bad gzip, too few lines, malformed merges).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static ClipTokenizer FromBpeFile(string path, ClipTokenizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options = ValidOptions(options);
        return new ClipTokenizer(ClipVocabulary.LoadBpeArchive(path), options, [Path.GetFullPath(path)]);
    }

    /// <summary>Loads Hugging Face CLIPTokenizer files.</summary>
    /// <param name="vocabularyJsonPath">vocab.json: a JSON object mapping each token to its id.</param>
    /// <param name="mergesPath">merges.txt: an optional "#version" line, then one "left right" merge per line by rank.</param>
    /// <param name="options">Row layout; null means the defaults (77 tokens, truncate).</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="ClipVocabularyException">A file is malformed (bad JSON, ids not 0..N-1, missing byte or special tokens, a merge of unknown tokens).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static ClipTokenizer FromHuggingFaceFiles(string vocabularyJsonPath, string mergesPath, ClipTokenizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabularyJsonPath);
        ArgumentException.ThrowIfNullOrEmpty(mergesPath);
        options = ValidOptions(options);
        return new ClipTokenizer(ClipVocabulary.LoadHuggingFace(vocabularyJsonPath, mergesPath), options, [Path.GetFullPath(vocabularyJsonPath), Path.GetFullPath(mergesPath)]);
    }

    /// <summary>
    /// Loads the vocabulary that belongs to a model folder: <paramref name="explicitVocabularyPath"/> when given (a
    /// BPE archive file, or a folder holding vocab.json and merges.txt), else <see cref="BpeArchiveFileName"/> in the
    /// folder, else <see cref="VocabularyJsonFileName"/> with <see cref="MergesFileName"/> in the folder.
    /// </summary>
    /// <param name="directory">The model folder.</param>
    /// <param name="options">Row layout; null means the defaults (77 tokens, truncate).</param>
    /// <param name="explicitVocabularyPath">Overrides the search; relative paths resolve against the current directory.</param>
    /// <exception cref="DirectoryNotFoundException">The model folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">No vocabulary was found; the message names the folder and the files looked for.</exception>
    /// <exception cref="ClipVocabularyException">The vocabulary found is malformed.</exception>
    public static ClipTokenizer FromModelDirectory(string directory, ClipTokenizerOptions? options = null, string? explicitVocabularyPath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options = ValidOptions(options);
        if (explicitVocabularyPath is not null)
        {
            if (File.Exists(explicitVocabularyPath))
            {
                return FromBpeFile(explicitVocabularyPath, options);
            }
            if (Directory.Exists(explicitVocabularyPath))
            {
                return FromHuggingFaceFolder(explicitVocabularyPath, options)
                    ?? throw NotFound(explicitVocabularyPath, $"{VocabularyJsonFileName} with {MergesFileName}");
            }
            throw new FileNotFoundException($"The CLIP vocabulary path '{explicitVocabularyPath}' given for model folder '{directory}' does not exist.", explicitVocabularyPath);
        }
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The model folder '{directory}' does not exist.");
        }
        string archive = Path.Combine(directory, BpeArchiveFileName);
        if (File.Exists(archive))
        {
            return FromBpeFile(archive, options);
        }
        return FromHuggingFaceFolder(directory, options)
            ?? throw NotFound(directory, $"{BpeArchiveFileName}, or {VocabularyJsonFileName} with {MergesFileName}");
    }

    /// <summary>
    /// BPE ids of <paramref name="text"/> without start and end tokens: SimpleTokenizer's <c>encode</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The text holds an unpaired UTF-16 surrogate (not encodable as UTF-8).</exception>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EncodeCore(text, "The text");
    }

    /// <summary>
    /// Tokenizes a batch as <c>open_clip.tokenize</c>: one row of <see cref="ContextLength"/> ids per text
    /// (start token, BPE ids, end token, 0-padding); over-long texts are truncated with the end token last, or throw
    /// when <see cref="ClipTokenizerOptions.Truncate"/> is off.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of its texts is null.</exception>
    /// <exception cref="TextTooLongException">A text is too long and truncation is off.</exception>
    /// <exception cref="ArgumentException">A text holds an unpaired UTF-16 surrogate, or the batch exceeds an array's size.</exception>
    public TokenBatch Tokenize(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        long total = (long)texts.Count * ContextLength;
        if (total > Array.MaxLength)
        {
            throw new ArgumentException($"{texts.Count} texts × {ContextLength} tokens exceed the largest array; tokenize in smaller batches.", nameof(texts));
        }
        var ids = new long[total];
        for (int i = 0; i < texts.Count; i++)
        {
            string text = texts[i] ?? throw new ArgumentNullException(nameof(texts), $"Text {i} is null.");
            WriteRow(text, i, ids.AsSpan(i * ContextLength, ContextLength));
        }
        return new TokenBatch(ids, texts.Count, ContextLength);
    }

    /// <summary>Tokenizes one text into <paramref name="destination"/>, a row of exactly <see cref="ContextLength"/> ids.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length, or the text holds an unpaired surrogate.</exception>
    /// <exception cref="TextTooLongException">The text is too long and truncation is off.</exception>
    public void Tokenize(string text, Span<long> destination)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (destination.Length != ContextLength)
        {
            throw new ArgumentException($"The destination holds {destination.Length} ids; a row holds {ContextLength}.", nameof(destination));
        }
        WriteRow(text, 0, destination);
    }

    /// <summary>
    /// Text of <paramref name="ids"/> as SimpleTokenizer's <c>decode</c> gives it: token strings joined, byte-decoded
    /// as UTF-8 (invalid sequences become U+FFFD), then every "&lt;/w&gt;" replaced by a space. Nothing is skipped
    /// or trimmed: special tokens come out as "&lt;|startoftext|&gt;" / "&lt;|endoftext|&gt;", padding id 0 as "!",
    /// and a decoded word keeps its trailing space. To decode a row of <see cref="Tokenize(IReadOnlyList{string})"/>,
    /// pass the ids between the start and the end token.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, <see cref="VocabularySize"/>).</exception>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)_tokens.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} is outside the vocabulary [0, {_tokens.Length}).");
            }
            foreach (char c in _tokens[id])
            {
                bytes.Add((byte)ByteLevelAlphabet.ToByte(c)); // every char was checked to be a byte symbol at load
            }
        }
        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes))
            .Replace(ByteLevelAlphabet.EndOfWord, " ", StringComparison.Ordinal);
    }

    private IReadOnlyList<int> EncodeCore(string text, string what)
    {
        string clean = ClipTextCleaner.Clean(text, what);
        return clean.Length == 0 ? [] : _bpe.EncodeToIds(clean, considerPreTokenization: true, considerNormalization: false);
    }

    private void WriteRow(string text, int index, Span<long> row)
    {
        IReadOnlyList<int> ids = EncodeCore(text, $"Text {index}");
        int needed = ids.Count + 2;
        if (needed > row.Length && !Options.Truncate)
        {
            throw new TextTooLongException(index, text.Length, needed, row.Length);
        }
        // open_clip.tokenize: tokens[:context_length] then tokens[-1] = eot, i.e. the first context_length - 2 ids.
        int kept = Math.Min(ids.Count, row.Length - 2);
        row.Clear();
        row[0] = StartOfTextId;
        for (int k = 0; k < kept; k++)
        {
            row[k + 1] = ids[k];
        }
        row[kept + 1] = EndOfTextId;
    }

    private static ClipTokenizerOptions ValidOptions(ClipTokenizerOptions? options)
    {
        options ??= new ClipTokenizerOptions();
        options.Validate();
        return options;
    }

    private static ClipTokenizer? FromHuggingFaceFolder(string folder, ClipTokenizerOptions options)
    {
        string vocab = Path.Combine(folder, VocabularyJsonFileName);
        string merges = Path.Combine(folder, MergesFileName);
        return File.Exists(vocab) && File.Exists(merges) ? FromHuggingFaceFiles(vocab, merges, options) : null;
    }

    private static FileNotFoundException NotFound(string folder, string lookedFor) =>
        new($"No CLIP vocabulary in '{folder}': looked for {lookedFor}.", folder);
}
