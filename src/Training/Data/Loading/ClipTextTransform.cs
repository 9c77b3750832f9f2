using MultiModal.Encoders.Tokenization;

namespace MultiModal.Training.Data;

/// <summary>The default text transform: <see cref="ClipTokenizer"/> ids ([L], start/end tokens, 0-padding), no mask.</summary>
public sealed class ClipTextTransform : ITextTransform
{
    private readonly ClipTokenizer tokenizer;

    private ClipTextTransform(ClipTokenizer tokenizer) => this.tokenizer = tokenizer;

    /// <inheritdoc/>
    public int ContextLength => tokenizer.ContextLength;

    /// <inheritdoc/>
    public bool ProducesAttentionMask => false;

    /// <summary>Wraps a (thread-safe) CLIP tokenizer.</summary>
    public static ClipTextTransform Create(ClipTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new ClipTextTransform(tokenizer);
    }

    /// <inheritdoc/>
    /// <exception cref="TextTooLongException">The caption is too long and the tokenizer does not truncate.</exception>
    public void Encode(string text, Span<long> ids, Span<long> attentionMask) => tokenizer.Tokenize(text, ids);
}
