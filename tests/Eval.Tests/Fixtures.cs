using MultiModal.Encoders;
using MultiModal.Training.Data;

namespace MultiModal.Eval.Tests;

/// <summary>Paths to the shared fixtures, and the tiny CLIP model shared by a test class.</summary>
public sealed class Fixtures : IDisposable
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string TinyModelDirectory => Path.Combine(RepoRoot, "tests", "fixtures", "clip", "models", "tiny-quickgelu-hf");

    /// <summary>The tiny random-weight model (loaded once per test class).</summary>
    public ClipModel Model { get; } = ClipModel.Load(TinyModelDirectory);

    public static string Image(string name) => Path.Combine(RepoRoot, "tests", "fixtures", "images", name);

    /// <summary>An image held in memory: no file path, so the harness reads it as a stream.</summary>
    public static ImageRef InMemory(string name) => new BytesImageRef(name, File.ReadAllBytes(Image(name)));

    public void Dispose() => Model.Dispose();

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MultiModal.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new DirectoryNotFoundException("MultiModal.sln not found");
    }

    private sealed class BytesImageRef(string name, byte[] bytes) : ImageRef
    {
        public override string Name => "memory#" + name;

        public override Stream Open() => new MemoryStream(bytes, writable: false);
    }
}
