using MultiModal.Index.Flat;
using MultiModal.Index.Hnsw;
using MultiModal.Index.Persistence;

namespace MultiModal.Index;

/// <summary>Opens a saved index directory of any kind (FAISS's <c>read_index</c>): the manifest says which.</summary>
public static class SavedIndex
{
    /// <summary>The kind of the saved index: "flat" or "hnsw". Changes nothing on disk.</summary>
    /// <exception cref="IndexFormatException">The directory or its manifest is missing or malformed; names the file.</exception>
    public static string ReadKind(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        using var readLock = IndexFiles.LockForReading(directory);
        var (full, manifest) = IndexFiles.OpenForLoad(directory, kind: null);
        return manifest.Kind is FlatIndex.Kind or HnswIndex.Kind
            ? manifest.Kind
            : throw new IndexFormatException(Path.Combine(full, IndexManifest.FileName), $"Unknown index kind '{manifest.Kind}'.");
    }

    /// <summary>
    /// Checks that <paramref name="directory"/> may receive an index save: missing, empty, or an index this library
    /// saved. Commands call it before long work so a wrong <c>--out</c> fails at once.
    /// </summary>
    /// <exception cref="Encoders.IO.OutputPathException">It holds something else (a user's folder, a file, a model).</exception>
    public static void CheckOutput(string directory) => IndexFiles.CheckOutput(directory);

    /// <summary>True when <paramref name="directory"/> holds a saved index (its manifest exists). Changes nothing on disk.</summary>
    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(Encoders.IO.AtomicFolder.ResolveForRead(directory), IndexManifest.FileName));

    /// <summary>Loads the saved index with <paramref name="threads"/> search workers.</summary>
    /// <exception cref="IndexFormatException">A file is missing, truncated, corrupted or inconsistent; names it.</exception>
    public static IVectorIndex Load(string directory, LoadOptions? options = null, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        return ReadKind(directory) == HnswIndex.Kind
            ? HnswIndex.Load(directory, options, threads)
            : FlatIndex.Load(directory, options, new FlatIndexOptions { Threads = threads });
    }
}
