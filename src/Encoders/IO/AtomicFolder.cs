namespace MultiModal.Encoders.IO;

/// <summary>
/// Atomic saves of folders (indexes, model folders, dual encoders, training checkpoints): a kill -9 at any moment
/// leaves the old folder or the new one, never a mix, and nothing the library did not write is ever replaced or
/// removed. Files go through <see cref="AtomicFile"/>.
/// </summary>
/// <remarks>
/// <para>Protocol: the new folder is filled in <c>NAME.mm-staging-ID</c> beside the target, starting with a marker
/// file (<c>.multimodal</c>: kind, the save's ID, the writing process); every file and folder in it is fsynced; then
/// Linux <c>renameat2(RENAME_EXCHANGE)</c> swaps it with the target in one step (a missing target is simply renamed
/// into place), the parent folder is fsynced, and the old folder, now under the staging name, is deleted. Where the
/// file system cannot exchange, the old folder first steps aside to <c>NAME.mm-old-ID</c>.</para>
/// <para>What may be replaced: a missing path, an empty folder, a folder whose marker has the same kind, a folder
/// <see cref="AtomicFolderOptions.RecognizesUnmarked"/> accepts, or an unmarked folder whose every file the new save
/// writes too. Anything else — a user's folder, a file, a FIFO, a device, the working folder — is refused with
/// <see cref="OutputPathException"/> before anything is written. A symbolic link is written through to its
/// target.</para>
/// <para>Leftovers of a killed save are cleaned by the next save of the same folder (never by a reader), and only
/// when provably the library's: a staging folder whose marker carries the ID in its name, or the old folder under
/// that name when the target's marker carries it, and only when the process that wrote it is gone.</para>
/// </remarks>
public static class AtomicFolder
{
    /// <summary>The marker file every saved folder holds.</summary>
    public const string MarkerFile = ArtefactMarker.FileName;

    private const string StagingInfix = ".mm-staging-";
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> InFlight = new(StringComparer.Ordinal);
    private const string OldInfix = ".mm-old-";

    /// <summary>Test hook: called with "staged" (new folder complete and fsynced) and "swapped" (new folder in place,
    /// old not yet deleted); throwing simulates a crash there.</summary>
    internal static Action<string>? FaultInjection { get; set; }

    /// <summary>Test hook: forces the two-rename protocol used where the file system cannot exchange folders.</summary>
    internal static bool DisableExchange { get; set; }

    /// <summary>Writes <paramref name="directory"/> with default options: <paramref name="fill"/> receives the staging folder to write into.</summary>
    /// <exception cref="OutputPathException">The path holds something this library did not write.</exception>
    public static void Write(string directory, Action<string> fill) => Write(directory, fill, null);

    /// <summary>Writes <paramref name="directory"/> atomically: <paramref name="fill"/> receives the staging folder to write into.</summary>
    /// <exception cref="OutputPathException">The path holds something this library did not write, or is the working folder.</exception>
    /// <exception cref="FolderLockedException">With <see cref="AtomicFolderOptions.Lock"/>: another writer holds the folder.</exception>
    public static void Write(string directory, Action<string> fill, AtomicFolderOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(fill);
        options ??= new AtomicFolderOptions();
        var target = ResolveTarget(directory);
        var parent = Path.GetDirectoryName(target) ?? throw new OutputPathException(directory, "has no parent folder.");
        Directory.CreateDirectory(parent);
        using var writer = options.Lock ? FolderLock.ForWriting(target, options.LockTimeout) : null;
        bool replaceable = CheckReplaceable(directory, target, options);
        CleanLeftovers(target);

        var marker = ArtefactMarker.ForThisProcess(options.Kind);
        var staging = target + StagingInfix + marker.Id;
        InFlight[marker.Id] = 0;
        try
        {
            WriteStaged(directory, target, staging, marker, replaceable, fill, options);
        }
        finally
        {
            InFlight.TryRemove(marker.Id, out _);
        }
    }

    private static void WriteStaged(string directory, string target, string staging, ArtefactMarker marker, bool replaceable, Action<string> fill, AtomicFolderOptions options)
    {
        Directory.CreateDirectory(staging);
        try
        {
            marker.WriteInto(staging);
            fill(staging);
            if (!replaceable)
            {
                RequireCovered(directory, target, staging);
            }
            FsyncTree(staging);
            FaultInjection?.Invoke("staged");
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
        using (options.Lock ? FolderLock.ForSwap(target, options.LockTimeout) : null)
        {
            Swap(staging, target, marker.Id);
        }
    }

    /// <summary>
    /// Checks, before any long work, that a later <see cref="Write(string, Action{string}, AtomicFolderOptions?)"/>
    /// to <paramref name="directory"/> would be allowed: missing, empty, marked with this kind, or an unmarked folder
    /// <see cref="AtomicFolderOptions.RecognizesUnmarked"/> accepts. Stricter than the write itself, which also
    /// accepts an unmarked folder whose files the new save all rewrites (unknowable before the save).
    /// </summary>
    /// <exception cref="OutputPathException">The path holds something else.</exception>
    public static void CheckTarget(string directory, AtomicFolderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new AtomicFolderOptions();
        var target = ResolveTarget(directory);
        if (!CheckReplaceable(directory, target, options))
        {
            RequireCovered(directory, target, staging: null);
        }
    }

    /// <summary>
    /// Makes <paramref name="directory"/> a folder this library fills piece by piece (such as the demo's output):
    /// creates it when missing and marks it, accepts it when empty, marked with this kind or recognised, and refuses
    /// anything else. The library then adds and replaces only its own files inside.
    /// </summary>
    /// <exception cref="OutputPathException">The path holds something this library did not write.</exception>
    public static void Claim(string directory, AtomicFolderOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        CheckTarget(directory, options);
        var target = ResolveTarget(directory);
        Directory.CreateDirectory(target);
        if (ArtefactMarker.Read(target) is null)
        {
            ArtefactMarker.ForThisProcess(options.Kind).WriteInto(target);
        }
    }

    /// <summary>Writes text to a new file (it must not exist) and flushes it to disk; for files inside a staging folder.</summary>
    public static void WriteText(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Replaces a file atomically (see <see cref="AtomicFile"/>).</summary>
    public static void ReplaceText(string path, string text) => AtomicFile.WriteAllText(path, text);

    /// <summary>True when <paramref name="directory"/> carries this library's marker (of <paramref name="kind"/>, when given).</summary>
    public static bool IsMarked(string directory, string? kind = null) =>
        ArtefactMarker.Read(directory) is { } marker && (kind is null || marker.Kind == kind);

    /// <summary>
    /// The folder a reader should open for <paramref name="directory"/>: the folder itself, or — only in the instant
    /// of a two-rename swap that a crash interrupted — the complete new folder still under its staging name. Never
    /// changes anything on disk.
    /// </summary>
    public static string ResolveForRead(string directory)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (FileStatus.Of(target).Kind != FileKind.Missing)
        {
            return target;
        }
        foreach (var (_, id) in Siblings(target, OldInfix))
        {
            var staging = target + StagingInfix + id;
            if (ArtefactMarker.Read(staging)?.Id == id)
            {
                return staging;
            }
        }
        return target;
    }

    /// <summary>Follows a symbolic link at the last component and refuses what is not a folder or missing.</summary>
    private static string ResolveTarget(string directory)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (FileStatus.Of(full, followLinks: false).Kind == FileKind.SymbolicLink)
        {
            try
            {
                full = Path.TrimEndingDirectorySeparator(Directory.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full);
            }
            catch (IOException e)
            {
                throw new OutputPathException(directory, $"is a symbolic link that cannot be followed ({e.Message}).");
            }
        }
        var kind = FileStatus.Of(full).Kind;
        if (kind is not (FileKind.Missing or FileKind.Directory))
        {
            throw new OutputPathException(directory, $"is {FileStatus.Describe(kind)}, not a folder; refusing to replace it.");
        }
        var cwd = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Environment.CurrentDirectory));
        if (OutputPaths.IsSameOrInside(cwd, full))
        {
            throw new OutputPathException(directory, "is the current folder or contains it; refusing to replace it.");
        }
        return full;
    }

    /// <summary>True when the target may be replaced as it is; false when that depends on what the new save writes.</summary>
    private static bool CheckReplaceable(string shown, string target, AtomicFolderOptions options)
    {
        if (FileStatus.Of(target).Kind == FileKind.Missing || !Directory.EnumerateFileSystemEntries(target).Any())
        {
            return true;
        }
        if (ArtefactMarker.Read(target) is { } marker)
        {
            if (marker.Kind != options.Kind)
            {
                throw new OutputPathException(shown, $"holds a MultiModal {marker.Kind}, not a {options.Kind}; refusing to replace it.");
            }
            return true;
        }
        return options.RecognizesUnmarked?.Invoke(target) == true;
    }

    /// <summary>An unmarked folder is replaced only when the new save writes every file it holds (with no staging folder: never).</summary>
    private static void RequireCovered(string shown, string target, string? staging)
    {
        var foreign = FolderWalk.Entries(target, followLinks: false)
            .Select(e => Path.GetRelativePath(target, e.Path))
            .Where(rel => staging is null || FileStatus.Of(Path.Combine(staging, rel), followLinks: false).Kind == FileKind.Missing)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (foreign.Count > 0)
        {
            var shownNames = string.Join(", ", foreign.Take(3)) + (foreign.Count > 3 ? $" and {foreign.Count - 3} more" : "");
            throw new OutputPathException(shown,
                $"is a folder this library did not write (it holds {shownNames}); refusing to replace it. Choose a new or empty folder.");
        }
    }

    private static void Swap(string staging, string target, string id)
    {
        var parent = Path.GetDirectoryName(target)!;
        if (FileStatus.Of(target).Kind == FileKind.Missing)
        {
            int errno = OperatingSystem.IsLinux() ? LibC.Rename(staging, target, LibC.RenameNoReplace) : LibC.EINVAL;
            if (errno is LibC.EINVAL or LibC.ENOSYS)
            {
                Directory.Move(staging, target);
            }
            else if (errno != 0)
            {
                TryDelete(staging);
                throw new IOException($"{target}: cannot move the new folder into place ({LibC.Describe(errno)}).");
            }
            LibC.FsyncPath(parent, directory: true);
            return;
        }
        int exchange = OperatingSystem.IsLinux() && !DisableExchange ? LibC.Rename(staging, target, LibC.RenameExchange) : LibC.EINVAL;
        string old;
        if (exchange == 0)
        {
            old = staging; // now holds the previous folder
        }
        else if (exchange is LibC.EINVAL or LibC.ENOSYS)
        {
            // No exchange on this file system: the old folder steps aside under this save's id, then the new one moves in.
            old = target + OldInfix + id;
            Directory.Move(target, old);
            FaultInjection?.Invoke("old-moved-aside");
            Directory.Move(staging, target);
        }
        else
        {
            TryDelete(staging);
            throw new IOException($"{target}: cannot swap the new folder into place ({LibC.Describe(exchange)}).");
        }
        LibC.FsyncPath(parent, directory: true);
        FaultInjection?.Invoke("swapped");
        TryDelete(old);
    }

    /// <summary>Removes what earlier killed saves of <paramref name="target"/> left, when provably ours and their writer is gone.</summary>
    private static void CleanLeftovers(string target)
    {
        var current = ArtefactMarker.Read(target);
        foreach (var (old, id) in Siblings(target, OldInfix))
        {
            var staging = target + StagingInfix + id;
            var stagingMarker = ArtefactMarker.Read(staging);
            if (current is null && FileStatus.Of(target).Kind == FileKind.Missing && stagingMarker?.Id == id && Abandoned(stagingMarker))
            {
                // Killed between the two renames: the new folder was complete, finish the save.
                Directory.Move(staging, target);
                current = stagingMarker;
                TryDelete(old);
            }
            else if (current?.Id == id && Abandoned(current))
            {
                TryDelete(old);
            }
        }
        foreach (var (staging, id) in Siblings(target, StagingInfix))
        {
            var marker = ArtefactMarker.Read(staging);
            bool abandonedNew = marker?.Id == id && Abandoned(marker);
            bool swappedOld = current?.Id == id && Abandoned(current);
            if (abandonedNew || swappedOld)
            {
                TryDelete(staging);
            }
        }
    }

    /// <summary>A save that no process is still performing: its writer is gone, or it is this process's and not in flight.</summary>
    private static bool Abandoned(ArtefactMarker marker) =>
        marker.Pid == Environment.ProcessId ? !InFlight.ContainsKey(marker.Id) : !marker.WriterAlive();

    private static IEnumerable<(string Path, string Id)> Siblings(string target, string infix)
    {
        var parent = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(parent))
        {
            yield break;
        }
        var prefix = Path.GetFileName(target) + infix;
        foreach (var path in Directory.EnumerateDirectories(parent, prefix + "*"))
        {
            var id = Path.GetFileName(path)[prefix.Length..];
            if (id.Length == 32 && id.All(char.IsAsciiHexDigitLower))
            {
                yield return (path, id);
            }
        }
    }

    private static void FsyncTree(string folder)
    {
        foreach (var entry in FolderWalk.Entries(folder, followLinks: false))
        {
            if (entry.Kind is FileKind.Regular or FileKind.Directory)
            {
                LibC.FsyncPath(entry.Path, entry.Kind == FileKind.Directory);
            }
        }
        LibC.FsyncPath(folder, directory: true);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
