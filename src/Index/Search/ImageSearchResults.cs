namespace MultiModal.Index.Search;

/// <summary>One search hit: the image file, its similarity (larger is closer under cosine and inner product) and its key.</summary>
public sealed record ImageSearchHit(string Path, float Score, long Key);

/// <summary>An indexed image as the catalog records it.</summary>
/// <param name="Key">The index key; stable for the path for the life of the catalog.</param>
/// <param name="Path">The absolute file path.</param>
/// <param name="Sha256">SHA-256 of the file bytes when it was embedded, lower-case hex.</param>
/// <param name="Size">File size in bytes.</param>
/// <param name="LastWriteUtc">The file's last write time (UTC).</param>
public sealed record ImageRecord(long Key, string Path, string Sha256, long Size, DateTime LastWriteUtc);

/// <summary>A file left out of the index, and why.</summary>
public sealed record SkippedImage(string Path, string Reason);

/// <summary>Progress of <see cref="ImageSearchService.IndexFolder(string, IProgress{IndexingProgress}?, CancellationToken)"/>: images embedded of those to embed.</summary>
/// <param name="Done">Images embedded (or found unreadable) so far.</param>
/// <param name="Total">New or changed images this run embeds.</param>
/// <param name="Rate">Images per second so far.</param>
/// <param name="Eta">Estimated time left; null until a rate is known.</param>
public sealed record IndexingProgress(int Done, int Total, double Rate, TimeSpan? Eta);

/// <summary>What one <see cref="ImageSearchService.IndexFolder(string, IProgress{IndexingProgress}?, CancellationToken)"/> run changed.</summary>
/// <param name="Added">New files embedded.</param>
/// <param name="Updated">Files whose content changed, embedded again under their old key.</param>
/// <param name="Removed">Catalogued files under the folder that no longer exist.</param>
/// <param name="Unchanged">Files whose content hash matched the catalog.</param>
/// <param name="Skipped">Files that could not be read or decoded, and image-named paths that are not regular files
/// (FIFOs, devices, sockets, broken links).</param>
/// <param name="SkippedLinks">Links to folders not followed because the walk had been inside that folder already
/// (link loops, repeated links): each real folder is indexed once.</param>
public sealed record IndexingResult(int Added, int Updated, int Removed, int Unchanged, IReadOnlyList<SkippedImage> Skipped, int SkippedLinks = 0);
