namespace MultiModal.Index.Hnsw;

/// <summary>Build and search settings of an <see cref="HnswIndex"/> (HNSW, Malkov &amp; Yashunin arXiv:1603.09320).</summary>
public sealed record HnswOptions
{
    /// <summary>Graph connectivity: neighbours kept per node on the upper layers (FAISS's M). Default 16.</summary>
    public int M { get; init; } = 16;

    /// <summary>Candidate list size while inserting (FAISS's efConstruction). Default 128.</summary>
    public int EfConstruction { get; init; } = 128;

    /// <summary>Candidate list size while searching (FAISS's efSearch); changeable later with <see cref="HnswIndex.EfSearch"/>. Default 64.</summary>
    public int EfSearch { get; init; } = 64;

    /// <summary>Threads used by one Add or Search batch. Default 1; pass <see cref="Environment.ProcessorCount"/> to use all cores.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Vectors to reserve room for up front; capacity then grows geometrically. Default 0.</summary>
    public long InitialCapacity { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first out-of-range field.</summary>
    public void Validate()
    {
        if (M is < 2 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(M), M, "M must be in [2, 1024].");
        }

        if (EfConstruction is < 1 or > 1 << 20)
        {
            throw new ArgumentOutOfRangeException(nameof(EfConstruction), EfConstruction, "EfConstruction must be in [1, 2^20].");
        }

        if (EfSearch is < 1 or > 1 << 20)
        {
            throw new ArgumentOutOfRangeException(nameof(EfSearch), EfSearch, "EfSearch must be in [1, 2^20].");
        }

        if (Threads is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be in [1, 1024].");
        }

        if (InitialCapacity is < 0 or > 1L << 40)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialCapacity), InitialCapacity, "InitialCapacity must be in [0, 2^40].");
        }
    }
}
