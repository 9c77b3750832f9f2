namespace MultiModal.Encoders.IO;

/// <summary>
/// Recursive folder walks that terminate and never open what they should not: each real folder is entered once
/// (tracked by device and inode), so symbolic-link loops and repeated links are counted, not followed forever, and
/// FIFOs, devices and sockets are reported instead of being handed to a reader that would block on them.
/// </summary>
/// <remarks>
/// .NET's own recursive enumeration follows links to folders without remembering where it has been: a link to an
/// ancestor makes it list every file again at each level until the path length limit (41 times in the case that
/// prompted this class). Where the inode is unknown (off Linux) folders are identified by their resolved path.
/// </remarks>
public static class FolderWalk
{
    /// <summary>
    /// The regular files under <paramref name="root"/> whose path <paramref name="include"/> accepts, following links
    /// to files and (once per real folder) to folders.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The root is not a folder.</exception>
    /// <exception cref="OperationCanceledException">Cancelled (checked at every entry).</exception>
    public static FolderWalkResult Files(string root, Func<string, bool> include, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(include);
        var files = new List<string>();
        var skipped = new List<FolderWalkSkip>();
        int skippedLinks = Walk(root, followLinks: true, cancellationToken, entry =>
        {
            if (entry.Kind == FileKind.Directory || !include(entry.Path))
            {
                return;
            }
            if (entry.Kind == FileKind.Regular)
            {
                files.Add(entry.Path);
            }
            else
            {
                skipped.Add(new FolderWalkSkip(entry.Path, entry.Kind == FileKind.Missing
                    ? "is a broken symbolic link"
                    : $"is {FileStatus.Describe(entry.Kind)}, not a regular file"));
            }
        }, (path, reason) => skipped.Add(new FolderWalkSkip(path, reason)));
        files.Sort(StringComparer.Ordinal);
        return new FolderWalkResult(files, skipped, skippedLinks);
    }

    /// <summary>
    /// Every entry under <paramref name="root"/> (not the root itself), folders before their contents. With
    /// <paramref name="followLinks"/> false a link is reported as <see cref="FileKind.SymbolicLink"/> and not entered.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The root is not a folder.</exception>
    public static IReadOnlyList<FolderEntry> Entries(string root, bool followLinks, CancellationToken cancellationToken = default)
    {
        var entries = new List<FolderEntry>();
        Walk(root, followLinks, cancellationToken, entries.Add, (_, _) => { });
        return entries;
    }

    private static int Walk(string root, bool followLinks, CancellationToken cancellationToken, Action<FolderEntry> visit, Action<string, string> unreadable)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var rootStatus = FileStatus.Of(full);
        if (rootStatus.Kind != FileKind.Directory)
        {
            throw new DirectoryNotFoundException($"{root}: {(rootStatus.Kind == FileKind.Missing ? "no such folder" : $"is {FileStatus.Describe(rootStatus.Kind)}, not a folder")}.");
        }
        var seen = new HashSet<(ulong, ulong)>();
        var seenPaths = new HashSet<string>(StringComparer.Ordinal);
        MarkSeen(full, rootStatus, seen, seenPaths);
        int skippedLinks = 0;
        var pending = new Stack<(string Path, bool ViaLink)>();
        // Links to folders wait until every real folder is known, so a folder reached both directly and through a
        // link is listed under its real path.
        var links = new Queue<(string Path, FileStatus Status)>();
        pending.Push((full, false));
        while (pending.Count > 0 || links.Count > 0)
        {
            if (pending.Count == 0)
            {
                var (link, target) = links.Dequeue();
                if (!MarkSeen(link, target, seen, seenPaths))
                {
                    skippedLinks++;
                    continue;
                }
                visit(new FolderEntry(link, FileKind.Directory, true));
                pending.Push((link, true));
            }
            var (folder, folderViaLink) = pending.Pop();
            string[] names;
            try
            {
                names = Directory.GetFileSystemEntries(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                unreadable(folder, $"folder cannot be read: {e.Message}");
                continue;
            }
            Array.Sort(names, StringComparer.Ordinal);
            var subfolders = new List<(string, bool)>();
            foreach (var path in names)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var own = FileStatus.Of(path, followLinks: false);
                bool isLink = own.Kind == FileKind.SymbolicLink;
                var status = isLink && followLinks ? FileStatus.Of(path) : own;
                bool viaLink = folderViaLink || isLink;
                if (status.Kind == FileKind.Directory)
                {
                    if (isLink)
                    {
                        links.Enqueue((path, status));
                        continue;
                    }
                    if (!MarkSeen(path, status, seen, seenPaths))
                    {
                        skippedLinks++; // a bind mount or a folder met again below a linked one
                        continue;
                    }
                    visit(new FolderEntry(path, FileKind.Directory, viaLink));
                    subfolders.Add((path, viaLink));
                    continue;
                }
                visit(new FolderEntry(path, status.Kind, viaLink));
            }
            // Reverse onto the stack so folders are entered in ordinal order.
            for (int i = subfolders.Count - 1; i >= 0; i--)
            {
                pending.Push(subfolders[i]);
            }
        }
        return skippedLinks;
    }

    private static bool MarkSeen(string path, FileStatus status, HashSet<(ulong, ulong)> seen, HashSet<string> seenPaths)
    {
        if (status.HasIdentity)
        {
            return seen.Add((status.Device, status.Inode));
        }
        var resolved = new DirectoryInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        return seenPaths.Add(Path.TrimEndingDirectorySeparator(resolved));
    }
}
