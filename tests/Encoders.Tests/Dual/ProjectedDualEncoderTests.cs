using MultiModal.Encoders.Checkpoints;
using MultiModal.Encoders.Dual;

namespace MultiModal.Encoders.Tests.Dual;

public sealed class ProjectedDualEncoderTests
{
    [Fact]
    public void SaveLoad_RoundTrip_GivesIdenticalEmbeddings()
    {
        // Arrange
        var dir = Path.Combine(Path.GetTempPath(), $"dual-{Guid.NewGuid():N}");
        using var encoder = ProjectedDualEncoder.Create(new FixedTower(5, 1), "tower-a", new FixedTower(7, 2), "tower-b", DualProjectionHeads.Create(5, 7, 4, seed: 3));
        var texts = new[] { "a cat", "a dog" };
        var expected = encoder.EncodeTexts(texts);
        var expectedImages = encoder.EncodeImages([new MemoryStream([1, 2, 3])]);

        // Act
        encoder.Save(dir);
        using var loaded = ProjectedDualEncoder.Load(dir, new DualTowerFactory(
            name => name == "tower-a" ? new FixedTower(5, 1) : throw new NotSupportedException(name),
            name => name == "tower-b" ? new FixedTower(7, 2) : throw new NotSupportedException(name)));

        // Assert
        Assert.Equal(expected, loaded.EncodeTexts(texts));
        Assert.Equal(expectedImages, loaded.EncodeImages([new MemoryStream([1, 2, 3])]));
        Assert.Equal(4, loaded.EmbedDim);
        Assert.Equal(encoder.LogitScale, loaded.LogitScale);
        Assert.Equal(1f, expected[0].Sum(v => v * v), 5);
        Assert.Equal("tower-a", loaded.ImageTowerName);
    }

    [Fact]
    public void EncodeTexts_Unnormalised_IsFeaturesTimesProjection()
    {
        using var heads = DualProjectionHeads.Create(3, 3, 2, seed: 1);
        using var encoder = ProjectedDualEncoder.Create(new FixedTower(3, 1), "a", new FixedTower(3, 4), "b", heads);
        var features = new FixedTower(3, 4).EncodeTexts(["x"], normalize: false)[0];
        var w = heads.TextProjection.data<float>().ToArray(); // [3, 2] row-major

        var projected = encoder.EncodeTexts(["x"], normalize: false)[0];

        for (var j = 0; j < 2; j++)
        {
            Assert.Equal((features[0] * w[j]) + (features[1] * w[2 + j]) + (features[2] * w[4 + j]), projected[j], 5);
        }
    }

    [Fact]
    public void Load_CorruptHeads_ThrowsCheckpointFormatExceptionNamingTheFile()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"dual-{Guid.NewGuid():N}");
        using (var encoder = ProjectedDualEncoder.Create(new FixedTower(5, 1), "a", new FixedTower(7, 2), "b", DualProjectionHeads.Create(5, 7, 4, seed: 3)))
        {
            encoder.Save(dir);
        }
        var heads = Path.Combine(dir, ProjectedDualEncoder.HeadsFile);
        File.WriteAllBytes(heads, File.ReadAllBytes(heads)[..20]);

        var e = Assert.Throws<CheckpointFormatException>(() => ProjectedDualEncoder.Load(dir, Factory()));

        Assert.Contains(ProjectedDualEncoder.HeadsFile, e.Message);
    }

    [Fact]
    public void Load_ManifestWithBadWidth_ThrowsFormatExceptionNamingTheField()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"dual-{Guid.NewGuid():N}");
        using (var encoder = ProjectedDualEncoder.Create(new FixedTower(5, 1), "a", new FixedTower(7, 2), "b", DualProjectionHeads.Create(5, 7, 4, seed: 3)))
        {
            encoder.Save(dir);
        }
        var manifest = Path.Combine(dir, ProjectedDualEncoder.ManifestFile);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"feature_dim\": 7", "\"feature_dim\": \"seven\""));

        var e = Assert.Throws<FormatException>(() => ProjectedDualEncoder.Load(dir, Factory()));

        Assert.Contains("text_tower.feature_dim", e.Message);
        Assert.Contains(ProjectedDualEncoder.ManifestFile, e.Message);
    }

    [Fact]
    public void Load_ManifestDeclaringHugeWidth_FailsFromTheHeaderWithoutBuildingTheHeads()
    {
        // Before the fix the heads were built from the manifest first: 50M x 4 floats (800 MB) before the shape check.
        var dir = SavedFolder();
        var manifest = Path.Combine(dir, ProjectedDualEncoder.ManifestFile);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"feature_dim\": 5", "\"feature_dim\": 50000000"));
        var stats = TorchSharp.DisposeScopeManager.Statistics;
        var tensorsBefore = stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount;

        var e = Assert.Throws<CheckpointMismatchException>(() => ProjectedDualEncoder.Load(dir, Factory()));

        Assert.Equal(tensorsBefore, stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount);
        Assert.Equal(Path.GetFullPath(Path.Combine(dir, ProjectedDualEncoder.HeadsFile)), e.FilePath);
        Assert.Equal(["image_projection: file [5, 4] vs model [50000000, 4]"], e.Misshaped);
    }

    [Fact]
    public void Load_HeadsFileWithExtraTensor_ListsItAsUnexpected()
    {
        var dir = SavedFolder();
        RewriteHeads(dir, tensors => tensors["bias"] = TorchSharp.torch.zeros(4));

        var e = Assert.Throws<CheckpointMismatchException>(() => ProjectedDualEncoder.Load(dir, Factory()));

        Assert.Equal(["bias"], e.Unexpected);
        Assert.Empty(e.Missing);
    }

    [Fact]
    public void Load_HeadsHoldingNaNAndInf_ThrowsNamingFileAndTensor()
    {
        var dir = SavedFolder();
        RewriteHeads(dir, tensors => tensors["text_projection"] = WithNaNAndInf(tensors["text_projection"]));

        var e = Assert.Throws<CheckpointFormatException>(() => ProjectedDualEncoder.Load(dir, Factory()));

        Assert.Equal(Path.GetFullPath(Path.Combine(dir, ProjectedDualEncoder.HeadsFile)), e.FilePath);
        Assert.Contains("tensor 'text_projection' holds 3 NaN / 1 Inf values", e.Message);
    }

    [Fact]
    public void Load_HeadsHoldingNaNWithAllowNonFiniteWeights_LoadsTheValues()
    {
        var dir = SavedFolder();
        RewriteHeads(dir, tensors => tensors["text_projection"] = WithNaNAndInf(tensors["text_projection"]));

        using var loaded = ProjectedDualEncoder.Load(dir, Factory(), new DualEncoderLoadOptions { AllowNonFiniteWeights = true });

        Assert.Equal(3, loaded.Heads.TextProjection.isnan().sum().item<long>());
    }

    [Fact]
    public void Load_AllZeroImageHead_WarnsNamingFileAndTensor()
    {
        var dir = SavedFolder();
        RewriteHeads(dir, tensors => tensors["image_projection"] = TorchSharp.torch.zeros_like(tensors["image_projection"]));
        var warnings = new List<string>();

        using var loaded = ProjectedDualEncoder.Load(dir, Factory(), new DualEncoderLoadOptions { Warn = warnings.Add });

        var warning = Assert.Single(warnings);
        Assert.StartsWith($"{Path.GetFullPath(Path.Combine(dir, ProjectedDualEncoder.HeadsFile))}: image_projection is all zeros, so every image embedding is the zero vector", warning);
    }

    [Fact]
    public void Load_TrainedHeads_DoNotWarn()
    {
        var warnings = new List<string>();

        using var loaded = ProjectedDualEncoder.Load(SavedFolder(), Factory(), new DualEncoderLoadOptions { Warn = warnings.Add });

        Assert.Empty(warnings);
    }

    [Fact]
    public void Create_TowerWidthMismatch_ThrowsNamingTheTower()
    {
        using var heads = DualProjectionHeads.Create(5, 7, 4, seed: 3);

        var e = Assert.Throws<ArgumentException>(() => ProjectedDualEncoder.Create(new FixedTower(6, 1), "wide", new FixedTower(7, 2), "b", heads));

        Assert.Contains("'wide'", e.Message);
    }

    /// <summary>A saved folder: towers of widths 5 and 7, heads into 4 dimensions.</summary>
    private static string SavedFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"dual-{Guid.NewGuid():N}");
        using var encoder = ProjectedDualEncoder.Create(new FixedTower(5, 1), "a", new FixedTower(7, 2), "b", DualProjectionHeads.Create(5, 7, 4, seed: 3));
        encoder.Save(dir);
        return dir;
    }

    /// <summary>Rewrites the saved heads file of <paramref name="dir"/> through <paramref name="edit"/>.</summary>
    private static void RewriteHeads(string dir, Action<Dictionary<string, TorchSharp.torch.Tensor>> edit)
    {
        var path = Path.Combine(dir, ProjectedDualEncoder.HeadsFile);
        using var scope = TorchSharp.torch.NewDisposeScope();
        var tensors = new Dictionary<string, TorchSharp.torch.Tensor>();
        using (var file = SafeTensorsFile.Open(path))
        {
            foreach (var key in file.Tensors.Keys)
            {
                tensors[key] = file.ReadTensor(key);
            }
        }
        edit(tensors);
        SafeTensorsWriter.Save(path, tensors);
    }

    /// <summary>A copy with elements 0, 5 and 7 NaN and element 9 +∞.</summary>
    private static TorchSharp.torch.Tensor WithNaNAndInf(TorchSharp.torch.Tensor tensor)
    {
        var values = tensor.data<float>().ToArray();
        values[0] = values[5] = values[7] = float.NaN;
        values[9] = float.PositiveInfinity;
        return TorchSharp.torch.tensor(values, tensor.shape);
    }

    private static DualTowerFactory Factory() => new(_ => new FixedTower(5, 1), _ => new FixedTower(7, 2));

    /// <summary>A frozen-tower double: features are a seeded function of the input (byte sum or string hash).</summary>
    private sealed class FixedTower(int dim, int seed) : IImageEncoder, ITextEncoder
    {
        public int EmbedDim => dim;

        public float[][] EncodeImages(IReadOnlyList<string> paths, int batchSize = 32, bool normalize = true, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
            paths.Select(p => Row(p.Length)).ToArray();

        public float[][] EncodeImages(IReadOnlyList<Stream> streams, IReadOnlyList<string>? names = null, int batchSize = 32, bool normalize = true, CancellationToken cancellationToken = default) =>
            streams.Select(s =>
            {
                var sum = 0;
                int b;
                while ((b = s.ReadByte()) >= 0)
                {
                    sum += b;
                }
                return Row(sum);
            }).ToArray();

        public float[][] EncodeTexts(IReadOnlyList<string> texts, int batchSize = 256, bool normalize = true, CancellationToken cancellationToken = default) =>
            texts.Select(t => Row(t.Sum(c => c))).ToArray();

        private float[] Row(int key)
        {
            var random = new Random((key * 31) + seed);
            return Enumerable.Range(0, dim).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        }
    }
}
