namespace MultiModal.Encoders.IO;

/// <summary>
/// Atomic writes of folders and small text files: a folder is filled in a staging folder beside the target and renamed
/// into place (the old folder steps aside first and is removed after), a file is written to a temporary name, flushed
/// and renamed. A crash at any moment leaves the old or the new version, never a mix. Model folders, dual-encoder
/// folders and training checkpoints are saved this way.
/// </summary>
public static class AtomicFolder
{
    /// <summary>Writes <paramref name="directory"/>: <paramref name="fill"/> receives the staging folder to write into.</summary>
    /// <exception cref="ArgumentException">The directory has no parent folder.</exception>
    public static void Write(string directory, Action<string> fill)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"{directory} has no parent folder.", nameof(directory));
        Directory.CreateDirectory(parent);
        var staging = $"{target}.tmp-{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        try
        {
            fill(staging);
            if (!Directory.Exists(target))
            {
                Directory.Move(staging, target);
                return;
            }
            // The old folder steps aside, the new one takes its name, then the old one is removed.
            var old = $"{target}.old-{Guid.NewGuid():N}";
            Directory.Move(target, old);
            try
            {
                Directory.Move(staging, target);
            }
            catch
            {
                Directory.Move(old, target);
                throw;
            }
            TryDelete(old);
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
    }

    /// <summary>Writes text to a new file (it must not exist) and flushes it to disk.</summary>
    public static void WriteText(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        using (var writer = new StreamWriter(stream, leaveOpen: true))
        {
            writer.Write(text);
        }
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Replaces a file atomically (temporary file, flush, rename).</summary>
    public static void ReplaceText(string path, string text)
    {
        var temp = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            WriteText(temp, text);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
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
