namespace MultiModal.Index.Persistence;

/// <summary>How a saved index is loaded.</summary>
public sealed record LoadOptions
{
    /// <summary>
    /// Whether to check every file's SHA-256 against the manifest (reads each file once). Sizes are always checked.
    /// Default true; turn off for very large indexes whose files are trusted.
    /// </summary>
    public bool VerifyChecksums { get; init; } = true;

    /// <summary>
    /// Whether to memory-map the vector file read-only instead of copying it into memory; the first mutation then
    /// copies it into native memory. Default true. Flat index only: HNSW always reads its graph into memory, because
    /// USearch's memory-mapped view cannot be added to.
    /// </summary>
    public bool MemoryMap { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field (none today).</summary>
    public void Validate()
    {
    }
}
