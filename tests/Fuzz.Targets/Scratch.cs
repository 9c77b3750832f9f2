namespace MultiModal.Fuzz;

/// <summary>A private temp folder for one harness process (in /dev/shm when there is one); stale ones of dead processes are removed.</summary>
internal sealed class Scratch : IDisposable
{
    private Scratch(string path) => Path = path;

    public string Path { get; }

    public static Scratch Create()
    {
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        foreach (var stale in Directory.GetDirectories(root, "multimodal-fuzz-*"))
        {
            if (int.TryParse(System.IO.Path.GetFileName(stale)["multimodal-fuzz-".Length..], out var pid) && !Alive(pid))
            {
                TryDelete(stale);
            }
        }
        var path = System.IO.Path.Combine(root, $"multimodal-fuzz-{Environment.ProcessId}");
        Directory.CreateDirectory(path);
        return new Scratch(path);
    }

    public void Dispose() => TryDelete(Path);

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}");

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
