namespace MultiModal.Encoders.IO;

/// <summary>Checks that an output path cannot destroy a command's inputs.</summary>
public static class OutputPaths
{
    /// <summary>
    /// Throws when <paramref name="output"/> is one of <paramref name="inputs"/>, lies inside one or contains one
    /// (after resolving symbolic links), since replacing the output would delete or change that input.
    /// </summary>
    /// <param name="output">The output path (file or folder), which need not exist yet.</param>
    /// <param name="outputOption">How the output was given, for the message (<c>--out</c>).</param>
    /// <param name="inputs">(how it was given, path) for each input; null paths are skipped.</param>
    /// <exception cref="OutputPathException">The output overlaps an input.</exception>
    public static void EnsureSeparate(string output, string outputOption, params (string Option, string? Path)[] inputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(output);
        var outFull = Canonical(output);
        foreach (var (option, path) in inputs)
        {
            if (string.IsNullOrEmpty(path))
            {
                continue;
            }
            var inFull = Canonical(path);
            string? relation = outFull == inFull ? $"is the same path as {option} '{path}'"
                : IsSameOrInside(outFull, inFull) ? $"is inside {option} '{path}'"
                : IsSameOrInside(inFull, outFull) ? $"contains {option} '{path}'"
                : null;
            if (relation is not null)
            {
                throw new OutputPathException(output, $"{outputOption} {relation}; writing it would destroy that input. Choose another {outputOption}.");
            }
        }
    }

    /// <summary>True when <paramref name="path"/> equals <paramref name="folder"/> or lies inside it (full, normalised paths).</summary>
    public static bool IsSameOrInside(string path, string folder)
    {
        path = Path.TrimEndingDirectorySeparator(path);
        folder = Path.TrimEndingDirectorySeparator(folder);
        return path == folder
               || (path.StartsWith(folder, StringComparison.Ordinal) && (path[folder.Length] == Path.DirectorySeparatorChar || folder == "/"));
    }

    /// <summary>The full path with every symbolic link in its existing part resolved (the missing tail kept as written).</summary>
    public static string Canonical(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var tail = new Stack<string>();
        var current = full;
        while (FileStatus.Of(current).Kind == FileKind.Missing)
        {
            var parent = Path.GetDirectoryName(current);
            if (parent is null)
            {
                return full;
            }
            tail.Push(Path.GetFileName(current));
            current = parent;
        }
        var resolved = ResolveAll(current);
        while (tail.Count > 0)
        {
            resolved = Path.Combine(resolved, tail.Pop());
        }
        return resolved;
    }

    /// <summary>Resolves links in every component of an existing path (like <c>realpath</c>).</summary>
    private static string ResolveAll(string existing)
    {
        var root = Path.GetPathRoot(existing) ?? "/";
        var result = root;
        foreach (var part in existing[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(result, part);
            if (FileStatus.Of(next, followLinks: false).Kind == FileKind.SymbolicLink)
            {
                var target = new FileInfo(next).ResolveLinkTarget(returnFinalTarget: true);
                next = target is null ? next : Path.TrimEndingDirectorySeparator(ResolveAll(target.FullName));
            }
            result = next;
        }
        return result;
    }
}
