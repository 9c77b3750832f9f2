namespace MultiModal.Index.Search;

/// <summary>How <see cref="ImageSearchService.IndexFolder(string, ChangeDetection, IProgress{IndexingProgress}?, CancellationToken)"/> decides that a catalogued file is unchanged.</summary>
public enum ChangeDetection
{
    /// <summary>
    /// Same size and last-write time as catalogued means unchanged, without reading the file (rsync's and git's quick
    /// check); other files are hashed. The default: a re-run over a large unchanged folder reads no image bytes.
    /// </summary>
    SizeAndTime,

    /// <summary>Hash every file (SHA-256) and compare with the catalogue: catches edits that kept size and time.</summary>
    ContentHash,
}
