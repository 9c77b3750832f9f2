using MultiModal.Encoders.Imaging;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Tests.Models;

/// <summary>The host-facing API: batching, errors with item indices, concurrency, cancellation, dtype.</summary>
public sealed class ClipModelTests
{
    [Fact]
    public void EncodeImages_BadItemInSecondBatch_ReportsGlobalIndexAndFile()
    {
        using var model = ClipParityTests.LoadFixture("tiny-quickgelu-hf");
        var paths = new[] { "fruits.jpg", "home.jpg", "chelsea.png", "truncated.jpg" }.Select(f => Path.Combine(TestPaths.Images, f)).ToList();

        var e = Assert.Throws<ImageBatchException>(() => model.EncodeImages(paths, batchSize: 2));

        Assert.Equal(3, e.Index);
        Assert.Contains("truncated.jpg", e.Message);
    }

    [Fact]
    public void EncodeImages_BatchSizes_GiveSameEmbeddings()
    {
        using var model = ClipParityTests.LoadFixture("tiny-gelu-hf");
        var paths = new[] { "fruits.jpg", "home.jpg", "chelsea.png" }.Select(f => Path.Combine(TestPaths.Images, f)).ToList();
        var progress = new List<int>();

        var one = model.EncodeImages(paths, batchSize: 1, progress: new SyncProgress(progress));
        var all = model.EncodeImages(paths, batchSize: 8);

        for (var i = 0; i < paths.Count; i++)
        {
            Assert.True(ClipReference.MaxAbsDiff(one[i], all[i]) < 1e-6);
        }
        Assert.Equal([1, 2, 3], progress);
    }

    [Fact]
    public void EncodeImages_Streams_EqualPaths()
    {
        using var model = ClipParityTests.LoadFixture("tiny-gelu-hf");
        var path = Path.Combine(TestPaths.Images, "messi5.jpg");
        using var stream = File.OpenRead(path);

        var fromStream = model.EncodeImages([stream], ["messi5.jpg"]);
        var fromPath = model.EncodeImages([path]);

        Assert.Equal(fromPath[0], fromStream[0]);
    }

    [Fact]
    public void EncodeTexts_Cancelled_Throws()
    {
        using var model = ClipParityTests.LoadFixture("tiny-gelu-hf");
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => model.EncodeTexts(["a"], cancellationToken: cts.Token));
    }

    [Fact]
    public void EncodeTexts_ManyThreads_SameResultsAsSequential()
    {
        using var model = ClipParityTests.LoadFixture("tiny-quickgelu-hf");
        string[] texts = ["a photo of a dog", "a diagram", "two people riding bikes", "an empty street at night"];
        var expected = model.EncodeTexts(texts);

        var results = new float[8][][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => results[i] = model.EncodeTexts(texts));

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void ComputeLogits_WrongDimension_ThrowsNamingItem()
    {
        using var model = ClipParityTests.LoadFixture("tiny-quickgelu-hf");

        var e = Assert.Throws<ArgumentException>(() => model.ComputeLogits([new float[32]], [new float[31]]));

        Assert.Contains("textEmbeddings[0]", e.Message);
    }

    [Fact]
    public void Load_BFloat16Compute_CloseToFloat32()
    {
        using var f32 = ClipParityTests.LoadFixture("tiny-gelu-hf");
        using var bf16 = ClipModel.Load(ClipReference.ModelDir("tiny-gelu-hf"), new ClipLoadOptions { DType = ScalarType.BFloat16 });
        string[] texts = ["a bowl of soup", "a laptop next to the night sky"];

        var a = f32.EncodeTexts(texts);
        var b = bf16.EncodeTexts(texts);

        // bfloat16 keeps 8 mantissa bits (~3 significant digits) through 1 text layer: cosine 0.99 is that precision.
        Assert.Equal(ScalarType.BFloat16, bf16.DType);
        Assert.All(Enumerable.Range(0, 2), i => Assert.True(ClipReference.Cosine(a[i], b[i]) > 0.99));
    }

    private sealed class SyncProgress(List<int> values) : IProgress<int>
    {
        public void Report(int value) => values.Add(value);
    }
}
