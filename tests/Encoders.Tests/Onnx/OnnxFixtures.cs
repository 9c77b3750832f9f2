using System.Text.Json;

namespace MultiModal.Encoders.Tests.Onnx;

/// <summary>Paths and reference files of tests/fixtures/onnx (made by its generate.py).</summary>
internal static class OnnxFixtures
{
    public static string Root => Path.Combine(TestPaths.Fixtures, "onnx");

    public static string ClipSplit => Path.Combine(Root, "clip-split");

    public static string ClipSingle => Path.Combine(Root, "clip-single");

    public static string Bad(string name) => Path.Combine(Root, "bad", name);

    /// <summary>The HF fixture folder the ONNX CLIP was exported from; its vocab.json + merges.txt serve the export.</summary>
    public static string TinyHf => Path.Combine(TestPaths.Fixtures, "clip", "models", "tiny-quickgelu-hf");

    public static JsonElement Json(params string[] path) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine([Root, .. path]))).RootElement;

    public static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetSingle())];

    public static double MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        }
        return max;
    }

    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }

    /// <summary>A fresh temp folder holding copies of <paramref name="files"/> (source path → name in the folder).</summary>
    public static TempFolder Folder(params (string Source, string Name)[] files)
    {
        var folder = new TempFolder();
        foreach (var (source, name) in files)
        {
            File.Copy(source, Path.Combine(folder.Path, name));
        }
        return folder;
    }
}

/// <summary>A temp folder deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mm-onnx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
