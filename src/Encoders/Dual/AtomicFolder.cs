namespace MultiModal.Encoders.Dual;

/// <summary>Writes a folder atomically: fill a staging folder beside the target, then rename it into place.</summary>
internal static class AtomicFolder
{
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

    /// <summary>Writes text and flushes it to disk.</summary>
    public static void WriteText(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        using (var writer = new StreamWriter(stream, leaveOpen: true))
        {
            writer.Write(text);
        }
        stream.Flush(flushToDisk: true);
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
