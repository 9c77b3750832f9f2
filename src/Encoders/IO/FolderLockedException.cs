namespace MultiModal.Encoders.IO;

/// <summary>A saved folder (an index) stayed locked by another writer for longer than the wait allowed.</summary>
public sealed class FolderLockedException : IOException
{
    /// <summary>Creates the exception for <paramref name="folder"/>.</summary>
    /// <param name="folder">The locked folder.</param>
    /// <param name="holder">Who holds it, as recorded in the lock file ("pid 1234 (mm index build ...)"), or null.</param>
    /// <param name="waited">How long the caller waited.</param>
    public FolderLockedException(string folder, string? holder, TimeSpan waited)
        : base($"{folder}: is being written by {holder ?? "another process"}; gave up after waiting {waited.TotalSeconds:0.#} s. Try again when it finishes.")
    {
        FolderPath = folder;
        Holder = holder;
    }

    /// <summary>The locked folder.</summary>
    public string FolderPath { get; }

    /// <summary>The holder as recorded in the lock file, or null when unknown.</summary>
    public string? Holder { get; }
}
