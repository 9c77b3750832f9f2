namespace MultiModal.Encoders.Config;

/// <summary>Text Transformer tower settings; field names mirror OpenCLIP's <c>text_cfg</c>.</summary>
public sealed record TextTowerConfig
{
    /// <summary>Token positions, including start and end tokens (<c>context_length</c>).</summary>
    public int ContextLength { get; init; } = 77;

    /// <summary>Vocabulary size (<c>vocab_size</c>).</summary>
    public int VocabSize { get; init; } = 49408;

    /// <summary>Transformer width (<c>width</c>).</summary>
    public int Width { get; init; } = 512;

    /// <summary>Attention heads (<c>heads</c>).</summary>
    public int Heads { get; init; } = 8;

    /// <summary>Number of residual attention blocks (<c>layers</c>).</summary>
    public int Layers { get; init; } = 12;

    /// <summary>MLP hidden width as a multiple of <see cref="Width"/> (<c>mlp_ratio</c>).</summary>
    public double MlpRatio { get; init; } = 4.0;

    /// <summary>Hidden width of each MLP.</summary>
    public int MlpWidth => (int)(Width * MlpRatio);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        Check.Positive(ContextLength, "text_cfg.context_length");
        Check.Positive(VocabSize, "text_cfg.vocab_size");
        Check.Positive(Width, "text_cfg.width");
        Check.Positive(Heads, "text_cfg.heads");
        Check.Positive(Layers, "text_cfg.layers");
        if (Width % Heads != 0)
        {
            throw new ArgumentOutOfRangeException("text_cfg.heads", Heads, $"width {Width} is not a multiple of heads {Heads}.");
        }
        if (!(MlpRatio > 0) || double.IsInfinity(MlpRatio))
        {
            throw new ArgumentOutOfRangeException("text_cfg.mlp_ratio", MlpRatio, "mlp_ratio must be a positive finite number.");
        }
        Check.MlpWidth(Width, MlpRatio, "text_cfg.mlp_ratio");
    }
}
