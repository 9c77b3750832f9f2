namespace MultiModal.Encoders.IO;

/// <summary>How <see cref="AtomicFolder.Write(string, Action{string}, AtomicFolderOptions?)"/> recognises and guards the folder it replaces.</summary>
public sealed record AtomicFolderOptions
{
    /// <summary>The artefact kind recorded in the folder's marker file (<c>index</c>, <c>model</c>, <c>checkpoint</c>, ...).
    /// A folder marked with another kind is not replaced.</summary>
    public string Kind { get; init; } = "folder";

    /// <summary>
    /// Recognises a folder of this kind written before marker files existed (for example by its manifest). Unmarked
    /// folders it rejects are replaced only when the new save writes every file they hold (nothing would be lost).
    /// </summary>
    public Func<string, bool>? RecognizesUnmarked { get; init; }

    /// <summary>Take the folder's <see cref="FolderLock"/>: the writer lock for the save, the swap lock for the rename.</summary>
    public bool Lock { get; init; }

    /// <summary>How long to wait for another writer's lock.</summary>
    public TimeSpan LockTimeout { get; init; } = FolderLock.DefaultTimeout;
}
