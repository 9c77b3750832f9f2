using System.Buffers.Binary;
using System.IO.Compression;

namespace MultiModal.Training.Tests.Data;

/// <summary>Fixture locations and small dataset files written by the tests themselves (IDX, CIFAR, manifests).</summary>
internal static class TestFiles
{
    private static readonly Lazy<string> RepoRootLazy = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MultiModal.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new DirectoryNotFoundException("MultiModal.sln not found above " + AppContext.BaseDirectory);
    });

    public static string RepoRoot => RepoRootLazy.Value;

    public static string Fixtures => Path.Combine(RepoRoot, "tests", "fixtures");

    public static string Images => Path.Combine(Fixtures, "images");

    public static string ClipVocabulary => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", "clip", "bpe_simple_vocab_16e6.txt.gz"));

    /// <summary>An IDX ubyte file: magic 00 00 08 ndims, big-endian sizes, data; optionally gzip-compressed.</summary>
    public static void WriteIdx(string path, int[] dims, byte[] data, bool gzip = false, byte type = 0x08, int? dimsInMagic = null)
    {
        using var buffer = new MemoryStream();
        buffer.Write([0, 0, type, (byte)(dimsInMagic ?? dims.Length)]);
        Span<byte> word = stackalloc byte[4];
        foreach (int d in dims)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            buffer.Write(word);
        }
        buffer.Write(data);
        if (!gzip)
        {
            File.WriteAllBytes(path, buffer.ToArray());
            return;
        }
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(buffer.ToArray());
    }

    /// <summary>Grey images whose pixel (r, c) of image i is (i * 31 + r * 7 + c) mod 256, and labels i mod classes.</summary>
    public static (byte[] Pixels, byte[] Labels) IdxContent(int count, int rows, int cols, int classes)
    {
        var pixels = new byte[count * rows * cols];
        for (int i = 0; i < count; i++)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    pixels[(i * rows + r) * cols + c] = (byte)((i * 31 + r * 7 + c) % 256);
                }
            }
        }
        return (pixels, Enumerable.Range(0, count).Select(i => (byte)(i % classes)).ToArray());
    }

    /// <summary>CIFAR records: label byte(s) then 3072 CHW bytes with value (record * 13 + channel * 50 + pixel) mod 256.</summary>
    public static byte[] CifarRecords(int firstRecord, byte[][] labels)
    {
        var data = new List<byte>();
        for (int r = 0; r < labels.Length; r++)
        {
            data.AddRange(labels[r]);
            for (int ch = 0; ch < 3; ch++)
            {
                for (int p = 0; p < 1024; p++)
                {
                    data.Add((byte)(((firstRecord + r) * 13 + ch * 50 + p) % 256));
                }
            }
        }
        return data.ToArray();
    }

    /// <summary>A CIFAR-10 release folder: five train batches of two records each and a test batch of three.</summary>
    public static void WriteCifar10(string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllLines(Path.Combine(dir, "batches.meta.txt"),
            ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck", "", ""]);
        for (int b = 1; b <= 5; b++)
        {
            int first = (b - 1) * 2;
            File.WriteAllBytes(Path.Combine(dir, $"data_batch_{b}.bin"), CifarRecords(first, [[(byte)(first % 10)], [(byte)((first + 1) % 10)]]));
        }
        File.WriteAllBytes(Path.Combine(dir, "test_batch.bin"), CifarRecords(100, [[9], [0], [5]]));
    }
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mm-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    public string Write(string relative, string text)
    {
        string path = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
