using MultiModal.Index.Flat;
using MultiModal.Index.Hnsw;

namespace MultiModal.Index.Search;

/// <summary>Which vector index an <see cref="ImageSearchService"/> keeps its image embeddings in.</summary>
public enum ImageIndexKind
{
    /// <summary>Exact search, <see cref="FlatIndex"/>.</summary>
    Flat,

    /// <summary>Approximate search, <see cref="HnswIndex"/>.</summary>
    Hnsw,
}

/// <summary>Settings for <see cref="ImageSearchService.Create"/>.</summary>
public sealed record ImageSearchOptions
{
    /// <summary>The index metric; cosine by default (CLIP embeddings are compared by angle).</summary>
    public Metric Metric { get; init; } = Metric.Cosine;

    /// <summary>Flat (exact, the default) or HNSW (approximate).</summary>
    public ImageIndexKind Kind { get; init; } = ImageIndexKind.Flat;

    /// <summary>Options for a flat index; defaults when null.</summary>
    public FlatIndexOptions? Flat { get; init; }

    /// <summary>Options for an HNSW index; defaults when null.</summary>
    public HnswOptions? Hnsw { get; init; }

    /// <summary>The model directory to record in the catalog, so a saved index can find its model again.</summary>
    public string? ModelDirectory { get; init; }

    /// <summary>Images per forward pass while indexing.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for an invalid setting.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown index kind.");
        }
        Flat?.Validate();
        Hnsw?.Validate();
    }
}
