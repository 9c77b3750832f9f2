namespace MultiModal.Training.Data;

/// <summary>
/// Turns one caption into a fixed-length row of token ids (and, for BERT-style towers, an attention mask) inside the
/// loader's workers. <see cref="ClipTextTransform"/> is the default; a WordPiece transform fills the mask.
/// </summary>
/// <remarks>Implementations must be thread-safe: workers call <see cref="Encode"/> concurrently.</remarks>
public interface ITextTransform
{
    /// <summary>Tokens per row (L).</summary>
    int ContextLength { get; }

    /// <summary>Whether <see cref="Encode"/> writes an attention mask (then <see cref="TrainingBatch.AttentionMask"/> is set).</summary>
    bool ProducesAttentionMask { get; }

    /// <summary>Writes the ids of <paramref name="text"/> to <paramref name="ids"/> (length L, padded) and, when
    /// <see cref="ProducesAttentionMask"/>, 1/0 to <paramref name="attentionMask"/> (length L; else it is empty).</summary>
    void Encode(string text, Span<long> ids, Span<long> attentionMask);
}
