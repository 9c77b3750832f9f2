namespace MultiModal.Training.Checkpointing;

/// <summary>Writes a folder atomically: fill a staging folder beside the target, flush, then rename it into place.</summary>
/// <remarks>The same two-rename scheme as the Encoders' model folders (ModelFolder.SwapIn), which is internal there.</remarks>
internal static class StagedFolder
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

    /// <summary>Writes text to a new file and flushes it to disk.</summary>
    public static void WriteText(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        using (var writer = new StreamWriter(stream, leaveOpen: true))
        {
            writer.Write(text);
        }
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Replaces a file atomically (temp file, flush, rename).</summary>
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
