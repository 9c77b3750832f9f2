using MultiModal.Encoders.Checkpoints;
using MultiModal.Training.Features;
using MultiModal.Training.Tests.Helpers;
using static TorchSharp.torch;

namespace MultiModal.Training.Tests.Checkpointing;

/// <summary>
/// Reading a feature cache whose key matches: a damaged file is a <see cref="CheckpointFormatException"/> naming it
/// and the tensor, never an index exception or a table with NaN in it.
/// </summary>
public sealed class FeatureCacheFileTests
{
    private static readonly string[] Templates = ["a photo of a {}."];

    [Fact]
    public void LoadOrBuild_CacheWithOneDimensionalImageTensor_ThrowsNamingFileAndTensor()
    {
        // Before the fix: IndexOutOfRangeException from image.shape[1].
        var (dir, path) = BuildCache();
        Rewrite(path, t => t["image"] = t["image"].flatten());

        var e = Assert.Throws<CheckpointFormatException>(() => Load(dir));

        Assert.Equal(path, e.FilePath);
        Assert.Contains("tensor 'image' is F32 [384], expected F32 [32, 12]", e.Message);
    }

    [Fact]
    public void LoadOrBuild_CacheHoldingNaN_ThrowsNamingFileAndTensor()
    {
        // Before the fix the NaN reached training and the loss diverged.
        var (dir, path) = BuildCache();
        Rewrite(path, t =>
        {
            var values = t["text"].data<float>().ToArray();
            values[4] = float.NaN;
            t["text"] = tensor(values, t["text"].shape);
        });

        var e = Assert.Throws<CheckpointFormatException>(() => Load(dir));

        Assert.Equal(path, e.FilePath);
        Assert.Contains("tensor 'text' holds 1 NaN / 0 Inf values", e.Message);
    }

    [Fact]
    public void LoadOrBuild_CacheWithCaptionOffsetsPastTheText_ThrowsNamingTheTensor()
    {
        // Before the fix the table was returned and training indexed past the text rows.
        var (dir, path) = BuildCache();
        Rewrite(path, t =>
        {
            var starts = t["caption_start"].data<long>().ToArray();
            starts[^1] += 5;
            t["caption_start"] = tensor(starts);
        });

        var e = Assert.Throws<CheckpointFormatException>(() => Load(dir));

        Assert.Equal(path, e.FilePath);
        Assert.Contains("'caption_start'", e.Message);
    }

    [Fact]
    public void LoadOrBuild_IntactCache_ReadsTheSameTable()
    {
        var (dir, _) = BuildCache();
        var built = Load(dir);

        var read = Load(dir);

        Assert.Equal(built.Image, read.Image);
        Assert.Equal(built.Text, read.Text);
        Assert.Equal(built.CaptionStart, read.CaptionStart);
        Assert.Equal(Enumerable.Range(0, 32), read.SampleIndex);
    }

    private static (string Dir, string Path) BuildCache()
    {
        var dir = TestConfigs.TempDir("feature-cache");
        Load(dir);
        return (dir, Directory.GetFiles(dir).Single());
    }

    private static FeatureTable Load(string dir) => FeatureCache.LoadOrBuild(dir, new SyntheticClassDataset(32, TestConfigs.Classes, seed: 5),
        new ByteStatsImageTower(12), "test-bytes", new TrigramTextTower(10), "test-trigram", Templates, [], null, default);

    /// <summary>Rewrites the cache's tensors through <paramref name="edit"/>, keeping its metadata (so its key still matches).</summary>
    private static void Rewrite(string path, Action<Dictionary<string, Tensor>> edit)
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>();
        Dictionary<string, string> metadata;
        using (var file = SafeTensorsFile.Open(path))
        {
            metadata = file.Metadata.ToDictionary();
            foreach (var key in file.Tensors.Keys)
            {
                tensors[key] = file.ReadTensor(key);
            }
        }
        edit(tensors);
        SafeTensorsWriter.Save(path, tensors, metadata);
    }
}
