using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MultiModal.Bench.Soak.Service;

/// <summary>
/// A seeded set of small PNG images ("variants"): a two-colour gradient with a few filled rectangles and ellipses,
/// 40–96 px a side, so every variant has its own size and bytes. Files in the soak folder are copies of variants, so
/// each file's embedding is known in advance.
/// </summary>
internal static class ImageVariants
{
    /// <summary>Writes <paramref name="count"/> variants as <c>v0000.png</c>... into <paramref name="folder"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(string folder, int count, int seed)
    {
        Directory.CreateDirectory(folder);
        var rng = new Random(seed);
        var paths = new List<string>(count);
        for (var v = 0; v < count; v++)
        {
            var path = Path.Combine(folder, $"v{v:D4}.png");
            File.WriteAllBytes(path, Png(rng));
            paths.Add(path);
        }
        return paths;
    }

    private static byte[] Png(Random rng)
    {
        int width = rng.Next(40, 97), height = rng.Next(40, 97);
        var pixels = new byte[width * height * 3];
        var from = Colour(rng);
        var to = Colour(rng);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var t = (x + y) / (double)(width + height - 2);
                for (var c = 0; c < 3; c++)
                {
                    pixels[(((y * width) + x) * 3) + c] = (byte)(from[c] + ((to[c] - from[c]) * t));
                }
            }
        }
        var shapes = rng.Next(1, 4);
        for (var s = 0; s < shapes; s++)
        {
            var colour = Colour(rng);
            int x0 = rng.Next(width), y0 = rng.Next(height), w = rng.Next(8, width / 2 + 8), h = rng.Next(8, height / 2 + 8);
            var ellipse = rng.Next(2) == 0;
            for (var y = y0; y < Math.Min(height, y0 + h); y++)
            {
                for (var x = x0; x < Math.Min(width, x0 + w); x++)
                {
                    double dx = ((x - x0) / (double)w) - 0.5, dy = ((y - y0) / (double)h) - 0.5;
                    if (!ellipse || (dx * dx) + (dy * dy) <= 0.25)
                    {
                        colour.CopyTo(pixels.AsSpan(((y * width) + x) * 3, 3));
                    }
                }
            }
        }
        using var image = Image.LoadPixelData<Rgb24>(pixels, width, height);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    private static byte[] Colour(Random rng) => [(byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256)];
}
