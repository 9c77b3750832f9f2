using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MultiModal.Encoders.Tokenization;

namespace MultiModal.Encoders.Onnx;

/// <summary>
/// The text tower of an ONNX CLIP export: <c>input_ids</c> [B, L] (int64, CLIP BPE from <see cref="ClipTokenizer"/>)
/// and, when the graph takes it, <c>attention_mask</c> [B, L] (1 up to and including the end-of-text token) in,
/// <c>text_embeds</c> [B, E] out (Optimum's <c>text_model.onnx</c>, or the combined <c>model.onnx</c>, which also gets a
/// one-image dummy pixel input).
/// </summary>
/// <remarks>Thread-safe. Made by <see cref="OnnxClipModel.Load"/>, which owns it.</remarks>
public sealed class OnnxClipTextTower : ITextEncoder
{
    internal const string InputIds = "input_ids";
    internal const string AttentionMask = "attention_mask";
    internal const string TextEmbeds = "text_embeds";

    private readonly OnnxSession _session;
    private readonly bool _feedMask;
    private readonly Func<IReadOnlyList<(string, OrtValue)>>? _extraInputs;

    internal OnnxClipTextTower(OnnxSession session, ClipTokenizer tokenizer, int embedDim, Func<IReadOnlyList<(string, OrtValue)>>? extraInputs, IReadOnlyCollection<string> otherInputs)
    {
        _session = session;
        _extraInputs = extraInputs;
        Tokenizer = tokenizer;
        EmbedDim = embedDim;
        session.RequireInput(InputIds, TensorElementType.Int64, 2, "CLIP token ids [batch, context]");
        _feedMask = session.Inputs.ContainsKey(AttentionMask);
        if (_feedMask)
        {
            session.RequireInput(AttentionMask, TensorElementType.Int64, 2, "1 for tokens, 0 for padding [batch, context]");
        }
        var unknown = session.Inputs.Keys.Where(k => k != InputIds && k != AttentionMask && !otherInputs.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new OnnxModelException(session.Source, $"'{session.Source}' has inputs this text tower cannot fill ({string.Join(", ", unknown)}); it feeds {InputIds} and {AttentionMask}. The model's inputs are: {session.DescribeInputs()}.");
        }
        int length = OnnxSession.StaticDim(session.Inputs[InputIds], 1);
        if (length >= 0 && length != tokenizer.ContextLength)
        {
            throw new OnnxModelException(session.Source, $"'{session.Source}': input {InputIds} has {length} positions, but the tokenizer makes rows of {tokenizer.ContextLength} (config.json text_config.max_position_embeddings).");
        }
        session.RequireOutput(TextEmbeds, 2,
            "A CLIP text tower must return the projected embeddings (text_embeds, as CLIPTextModelWithProjection or the whole CLIPModel exports them); " +
            "last_hidden_state and pooler_output are not in the space shared with images.");
        OnnxClipVisionTower.CheckWidth(session, TextEmbeds, embedDim);
    }

    /// <summary>The CLIP tokenizer (rows of <see cref="ClipTokenizer.ContextLength"/> ids).</summary>
    public ClipTokenizer Tokenizer { get; }

    /// <inheritdoc/>
    public int EmbedDim { get; }

    /// <summary>The ONNX file the tower runs.</summary>
    public string ModelPath => _session.Source;

    /// <inheritdoc/>
    public float[][] EncodeTexts(IReadOnlyList<string> texts, int batchSize = 256, bool normalize = true, CancellationToken cancellationToken = default) =>
        TextBatches.Encode(texts, batchSize, slice => EncodeTokens(Tokenizer.Tokenize(slice).Ids, slice.Count, normalize), cancellationToken);

    /// <summary>Runs the graph on token rows: row-major [count, context] ids in, one embedding per row out.</summary>
    /// <exception cref="OnnxModelException">The graph returned embeddings of another shape.</exception>
    public float[][] EncodeTokens(long[] ids, int count, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int context = Tokenizer.ContextLength;
        if (count < 1 || ids.Length != (long)count * context)
        {
            throw new ArgumentException($"{ids.Length} ids for {count} rows of {context}.", nameof(ids));
        }
        var inputs = new List<(string, OrtValue)> { (InputIds, OrtValue.CreateTensorValueFromMemory(ids, [count, context])) };
        try
        {
            if (_feedMask)
            {
                inputs.Add((AttentionMask, OrtValue.CreateTensorValueFromMemory(Mask(ids, count, context, Tokenizer.EndOfTextId), [count, context])));
            }
            inputs.AddRange(_extraInputs?.Invoke() ?? []);
            var (data, shape) = _session.Run(inputs, TextEmbeds);
            OnnxClipVisionTower.CheckShape(_session, TextEmbeds, shape, count, EmbedDim);
            return EmbeddingMath.Rows(data, count, EmbedDim, normalize);
        }
        finally
        {
            foreach (var (_, value) in inputs)
            {
                value.Dispose();
            }
        }
    }

    /// <summary>HF CLIPTokenizer's attention mask: 1 from the first token through the end-of-text token, 0 after it.</summary>
    internal static long[] Mask(ReadOnlySpan<long> ids, int count, int context, int endOfTextId)
    {
        var mask = new long[ids.Length];
        for (var r = 0; r < count; r++)
        {
            var row = ids.Slice(r * context, context);
            int end = row.IndexOf(endOfTextId);
            mask.AsSpan(r * context, end < 0 ? context : end + 1).Fill(1);
        }
        return mask;
    }
}
