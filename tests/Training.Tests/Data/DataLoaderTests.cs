using MultiModal.Encoders.Imaging;
using MultiModal.Encoders.Tokenization;
using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Data;

public sealed class DataLoaderTests
{
    [Fact]
    public void EpochOrder_Seeded_PermutationDependingOnlyOnSeedAndEpoch()
    {
        // Arrange
        var a = LoaderTestData.Loader(LoaderTestData.Dataset(50), new DataLoaderOptions { Seed = 3 });
        var b = LoaderTestData.Loader(LoaderTestData.Dataset(50), new DataLoaderOptions { Seed = 3, BatchSize = 7, Workers = 1 });
        var other = LoaderTestData.Loader(LoaderTestData.Dataset(50), new DataLoaderOptions { Seed = 4 });

        // Act
        int[] epoch0 = a.EpochOrder(0);

        // Assert
        Assert.Equal(Enumerable.Range(0, 50), epoch0.Order());
        Assert.Equal(epoch0, b.EpochOrder(0));
        Assert.NotEqual(epoch0, a.EpochOrder(1));
        Assert.NotEqual(epoch0, other.EpochOrder(0));
    }

    [Fact]
    public void EpochOrder_NoShuffle_IsIdentity()
    {
        var loader = LoaderTestData.Loader(LoaderTestData.Dataset(9), new DataLoaderOptions { Shuffle = false });

        Assert.Equal(Enumerable.Range(0, 9), loader.EpochOrder(5));
    }

    [Theory]
    [InlineData(23, 5, false, 5, 3)]
    [InlineData(23, 5, true, 4, 5)]
    [InlineData(20, 5, false, 4, 5)]
    [InlineData(3, 5, true, 0, 0)]
    public void ReadEpoch_BatchSizes_FollowDropLast(int n, int batchSize, bool dropLast, int batches, int lastSize)
    {
        // Arrange
        var loader = LoaderTestData.Loader(LoaderTestData.Dataset(n), new DataLoaderOptions { BatchSize = batchSize, DropLast = dropLast });

        // Act
        TrainingBatch[] read = loader.ReadEpoch(0).ToArray();

        // Assert
        Assert.Equal(batches, loader.BatchesPerEpoch);
        Assert.Equal(batches, read.Length);
        if (batches > 0)
        {
            Assert.Equal(lastSize, read[^1].Count);
            Assert.All(read[..^1], batch => Assert.Equal(batchSize, batch.Count));
        }
    }

    [Fact]
    public void ReadEpoch_CleanData_YieldsEpochOrderWithMatchingPixelsLabelsAndCaptions()
    {
        // Arrange
        var loader = LoaderTestData.Loader(LoaderTestData.Dataset(30), new DataLoaderOptions { BatchSize = 8, Seed = 11 });
        int[] order = loader.EpochOrder(2);

        // Act
        TrainingBatch[] batches = loader.ReadEpoch(2).ToArray();

        // Assert
        Assert.Equal(order, batches.SelectMany(b => b.SampleIndices));
        foreach (TrainingBatch batch in batches)
        {
            Assert.Equal([3, LoaderTestData.Side, LoaderTestData.Side], batch.ImageShape);
            Assert.Equal(24, batch.ContextLength);
            Assert.NotNull(batch.AttentionMask);
            for (int s = 0; s < batch.Count; s++)
            {
                int index = batch.SampleIndices[s];
                Assert.Equal(index, LoaderTestData.PixelValue(batch, s));
                Assert.Equal(index % 5, batch.Labels[s]);
                string caption = CharTextTransform.Decode(batch.TokenIds.AsSpan(s * 24, 24));
                Assert.StartsWith($"caption {index}.", caption);
                Assert.Equal(caption.Length, batch.AttentionMask!.Skip(s * 24).Take(24).Sum());
            }
        }
        Assert.Equal(0, loader.SkippedSamples);
        Assert.Equal(4, loader.BatchesDelivered);
    }

    [Fact]
    public void ReadEpoch_SeveralCaptions_OnePerImagePerEpochSeededAndVaryingAcrossEpochs()
    {
        // Arrange: sample 2 has captions 2.0, 2.1, 2.2.
        var first = LoaderTestData.Loader(LoaderTestData.Dataset(6), new DataLoaderOptions { BatchSize = 6, Shuffle = false, Seed = 1 });
        var second = LoaderTestData.Loader(LoaderTestData.Dataset(6), new DataLoaderOptions { BatchSize = 3, Shuffle = false, Seed = 1, Workers = 1 });

        // Act
        string[] a = Enumerable.Range(0, 12).Select(e => Caption(first.ReadEpoch(e).Single(), 2)).ToArray();
        string[] b = Enumerable.Range(0, 12).Select(e => Caption(second.ReadEpoch(e).First(), 2)).ToArray();

        // Assert
        Assert.Equal(a, b);
        Assert.Equal(["caption 2.0", "caption 2.1", "caption 2.2"], a.Distinct().Order());
    }

    [Fact]
    public void ReadEpoch_SameSeedDifferentWorkers_IdenticalAugmentedBatches()
    {
        // Arrange
        var augmented = ClipImageTransform.Create(ImagePreprocessor.Create(new ImagePreprocessOptions { ImageSize = 24 }), new ImageAugmentationOptions());
        ListDataset dataset = PhotoDataset();
        var one = LoaderTestData.Loader(dataset, new DataLoaderOptions { BatchSize = 3, Seed = 5, Workers = 1, PrefetchBatches = 1 }, augmented);
        var three = LoaderTestData.Loader(dataset, new DataLoaderOptions { BatchSize = 3, Seed = 5, Workers = 3, PrefetchBatches = 6 }, augmented);

        // Act
        TrainingBatch[] a = one.ReadEpoch(1).ToArray();
        TrainingBatch[] b = three.ReadEpoch(1).ToArray();
        TrainingBatch[] nextEpoch = three.ReadEpoch(2).ToArray();

        // Assert
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i].SampleIndices, b[i].SampleIndices);
            Assert.Equal(a[i].Pixels, b[i].Pixels);
            Assert.Equal(a[i].TokenIds, b[i].TokenIds);
        }
        // Another epoch crops differently: compare the same sample's pixels.
        int sample = a[0].SampleIndices[0];
        TrainingBatch later = nextEpoch.First(x => x.SampleIndices.Contains(sample));
        int slot = Array.IndexOf(later.SampleIndices, sample);
        int per = 3 * 24 * 24;
        Assert.NotEqual(a[0].Pixels[..per], later.Pixels.AsSpan(slot * per, per).ToArray());
    }

    [Fact]
    public void ReadEpoch_CorruptAndMissingImages_SkippedCountedReportedAndRefilledFromFollowingSamples()
    {
        // Arrange: 4 (garbage bytes) and 7 (missing file) are bad.
        var loader = LoaderTestData.Loader(LoaderTestData.Dataset(20, 4, 7), new DataLoaderOptions { BatchSize = 6, Seed = 2, Workers = 2 });
        int[] order = loader.EpochOrder(0);
        var reports = new ReportSink<SkippedSample>();

        // Act
        TrainingBatch[] batches = loader.ReadEpoch(0, progress: reports).ToArray();

        // Assert
        Assert.Equal(4, batches.Length);
        for (int b = 0; b < batches.Length; b++)
        {
            Assert.Equal(ExpectedIndices(order, b, 6, bad: [4, 7]), batches[b].SampleIndices);
            Assert.DoesNotContain(4, batches[b].SampleIndices);
            for (int s = 0; s < batches[b].Count; s++)
            {
                Assert.Equal(batches[b].SampleIndices[s], LoaderTestData.PixelValue(batches[b], s));
            }
        }
        Assert.Equal(2, loader.SkippedSamples);
        Assert.Equal([4, 7], reports.Items.Select(r => r.SampleIndex).Order());
        SkippedSample missing = reports.Items.Single(r => r.SampleIndex == 7);
        Assert.Contains("/nonexistent/toy-7.png", missing.Problem);
        Assert.Equal("/nonexistent/toy-7.png", missing.ImageName);
        Assert.Equal(Array.IndexOf(order, 7) / 6, missing.Batch);
        Assert.Contains("toy#4", reports.Items.Single(r => r.SampleIndex == 4).Problem);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ReadEpoch_ResumeFromBatch_SameBatchesAsUninterruptedRun(int startBatch)
    {
        // Arrange
        var options = new DataLoaderOptions { BatchSize = 4, Seed = 9, Workers = 2, PrefetchBatches = 3 };
        var uninterrupted = LoaderTestData.Loader(LoaderTestData.Dataset(22, 3, 10, 11), options);
        var resumed = LoaderTestData.Loader(LoaderTestData.Dataset(22, 3, 10, 11), options);

        // Act
        TrainingBatch[] all = uninterrupted.ReadEpoch(4).ToArray();
        TrainingBatch[] tail = resumed.ReadEpoch(4, startBatch).ToArray();

        // Assert
        Assert.Equal(all.Length - startBatch, tail.Length);
        for (int i = 0; i < tail.Length; i++)
        {
            Assert.Equal(all[startBatch + i].SampleIndices, tail[i].SampleIndices);
            Assert.Equal(all[startBatch + i].Pixels, tail[i].Pixels);
            Assert.Equal(all[startBatch + i].TokenIds, tail[i].TokenIds);
            Assert.Equal(all[startBatch + i].AttentionMask, tail[i].AttentionMask);
        }
    }

    [Fact]
    public void ReadEpoch_EveryImageCorrupt_ThrowsInvalidDataNamingDatasetAndBatch()
    {
        var loader = LoaderTestData.Loader(LoaderTestData.Dataset(5, 0, 1, 2, 3, 4), new DataLoaderOptions { BatchSize = 2 });

        var ex = Assert.Throws<InvalidDataException>(() => loader.ReadEpoch(0).ToArray());

        Assert.Contains("toy: epoch 0, batch 0", ex.Message);
    }

    [Fact]
    public void ReadEpoch_ClipTokenizer_TokenRowsEqualTokenizerOutputAndNoMask()
    {
        // Arrange
        var tokenizer = ClipTokenizer.FromBpeFile(TestFiles.ClipVocabulary);
        var loader = DataLoader.Create(LoaderTestData.Dataset(5), LoaderTestData.EvalTransform, ClipTextTransform.Create(tokenizer),
            new DataLoaderOptions { BatchSize = 5, Shuffle = false });

        // Act
        TrainingBatch batch = loader.ReadEpoch(0).Single();

        // Assert
        Assert.Null(batch.AttentionMask);
        Assert.Equal(77, batch.ContextLength);
        TokenBatch expected = tokenizer.Tokenize(["caption 0.0"]);
        Assert.Equal(expected.Ids, batch.TokenIds[..77]);
        Assert.Equal(tokenizer.StartOfTextId, batch.TokenIds[77]);
    }

    [Fact]
    public void ReadEpoch_NoTextTransform_ImageOnlyBatches()
    {
        var dataset = LoaderTestData.Dataset(4);
        var loader = DataLoader.Create(dataset, LoaderTestData.EvalTransform, null, new DataLoaderOptions { BatchSize = 4 });

        TrainingBatch batch = loader.ReadEpoch(0).Single();

        Assert.Empty(batch.TokenIds);
        Assert.Equal(0, batch.ContextLength);
        Assert.Null(batch.AttentionMask);
    }

    [Fact]
    public void ReadEpoch_CaptionlessSampleWithTextTransform_ThrowsExplainingTheWrapper()
    {
        var samples = new[] { new ImageTextSample(ImageRef.FromPixels("x#0", 8, 8, 1, new byte[64]), [], 0) };
        var loader = LoaderTestData.Loader(new ListDataset("x", ["a"], samples), new DataLoaderOptions { BatchSize = 1 });

        var ex = Assert.Throws<InvalidOperationException>(() => loader.ReadEpoch(0).ToArray());

        Assert.Contains(nameof(TemplateCaptionDataset), ex.Message);
    }

    [Fact]
    public void ReadEpoch_BugInTransform_PropagatesInsteadOfSkipping()
    {
        var transform = new BuggyTransform(LoaderTestData.EvalTransform, "toy#3");
        var loader = LoaderTestData.Loader(LoaderTestData.Dataset(8), new DataLoaderOptions { BatchSize = 4 }, transform);

        var ex = Assert.Throws<InvalidOperationException>(() => loader.ReadEpoch(0).ToArray());

        Assert.Equal("bug in transform", ex.Message);
        Assert.Equal(0, loader.SkippedSamples);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(6)]
    public void ReadEpoch_StartBatchOutOfRange_Throws(int startBatch)
    {
        var loader = LoaderTestData.Loader(LoaderTestData.Dataset(10), new DataLoaderOptions { BatchSize = 2 });

        Assert.Throws<ArgumentOutOfRangeException>(() => loader.ReadEpoch(0, startBatch));
    }

    [Theory]
    [InlineData(0, 2, 4, "BatchSize")]
    [InlineData(4, 0, 4, "Workers")]
    [InlineData(4, 2, 0, "PrefetchBatches")]
    public void Create_BadOptions_ThrowsNamingField(int batchSize, int workers, int prefetch, string field)
    {
        var options = new DataLoaderOptions { BatchSize = batchSize, Workers = workers, PrefetchBatches = prefetch };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LoaderTestData.Loader(LoaderTestData.Dataset(3), options));

        Assert.Equal(field, ex.ParamName);
    }

    /// <summary>The documented rule, independently: slots take their positions; a bad slot takes the next good sample after the batch, wrapping.</summary>
    private static int[] ExpectedIndices(int[] order, int batch, int batchSize, int[] bad)
    {
        int first = batch * batchSize, count = Math.Min(batchSize, order.Length - first);
        var result = new int[count];
        int candidate = first + count;
        for (int s = 0; s < count; s++)
        {
            result[s] = order[first + s];
        }
        for (int s = 0; s < count; s++)
        {
            if (bad.Contains(result[s]))
            {
                do
                {
                    result[s] = order[candidate++ % order.Length];
                }
                while (bad.Contains(result[s]));
            }
        }
        return result;
    }

    private static string Caption(TrainingBatch batch, int sample)
    {
        int slot = Array.IndexOf(batch.SampleIndices, sample);
        return CharTextTransform.Decode(batch.TokenIds.AsSpan(slot * batch.ContextLength, batch.ContextLength));
    }

    private static ListDataset PhotoDataset()
    {
        string[] files = ["butterfly.jpg", "chelsea.png", "logo.png", "camera.png", "green_palette.png", "home.jpg", "fruits.jpg"];
        var samples = files.Select((f, i) => new ImageTextSample(ImageRef.FromFile(Path.Combine(TestFiles.Images, f)), [f], -1)).ToArray();
        return new ListDataset("photos", null, samples);
    }
}
