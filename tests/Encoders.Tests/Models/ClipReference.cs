using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MultiModal.Encoders.Tests.Models;

/// <summary>
/// The reference outputs of tests/fixtures/clip/generate.py: tiny OpenAI-architecture CLIPs run by PyTorch 1.13
/// (float32, one thread) on the tokenizer reference cases and real photos.
/// </summary>
internal sealed class ClipReference
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Fixtures, "clip", "reference.json"))));

    public static string ModelDir(string folder) => Path.Combine(TestPaths.Fixtures, "clip", "models", folder);

    public static JsonElement Model(string name) => Document.Value.RootElement.GetProperty("models").GetProperty(name);

    public static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetSingle())];

    public static long[] Longs(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt64())];

    /// <summary>Normalised CHW pixels of a reference crop (PIL's uint8 output, saved losslessly).</summary>
    public static float[] CropPixels(string cropFile, float[] mean, float[] std)
    {
        using var image = Image.Load<Rgb24>(Path.Combine(TestPaths.Fixtures, "clip", cropFile));
        int h = image.Height, w = image.Width;
        var chw = new float[3 * h * w];
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < h; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < w; x++)
                {
                    // ToTensor then Normalize, in float32 as torchvision computes it.
                    chw[(0 * h + y) * w + x] = (row[x].R / 255f - mean[0]) / std[0];
                    chw[(1 * h + y) * w + x] = (row[x].G / 255f - mean[1]) / std[1];
                    chw[(2 * h + y) * w + x] = (row[x].B / 255f - mean[2]) / std[2];
                }
            }
        });
        return chw;
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
}
