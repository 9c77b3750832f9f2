using MultiModal.Encoders.Onnx;
using MultiModal.Encoders.Tests.Models;

namespace MultiModal.Encoders.Tests.Onnx;

/// <summary>
/// The ONNX export of tiny-quickgelu (tests/fixtures/onnx/clip-split, torch.onnx.export of the same weights) against
/// the TorchSharp <see cref="ClipModel"/> loaded from the HF fixture it was exported from, and against PyTorch's
/// reference.json.
/// </summary>
public sealed class OnnxClipParityTests
{
    // Both sides compute in float32 with different kernels (ONNX Runtime's MLAS GEMM and fused LayerNorm vs libtorch);
    // on unit-norm 32-d embeddings of a 2-layer model the measured gap is at most 3.6e-7: 5e-6 leaves >10x room and
    // still catches any wrong op, weight, pixel or token (those move components by 1e-3 or more).
    private const double Tolerance = 5e-6;

    private static readonly string[] Images = ["fruits.jpg", "messi5.jpg", "butterfly.jpg", "home.jpg", "chelsea.png", "camera.png", "logo.png"];

    private static OnnxClipModel LoadOnnx() =>
        OnnxClipModel.Load(OnnxFixtures.ClipSplit, new OnnxClipLoadOptions { TokenizerPath = OnnxFixtures.TinyHf, Session = new OnnxSessionOptions { IntraOpThreads = 1 } });

    [Fact]
    public void EncodeImages_SplitExport_MatchesTorchSharpClipModel()
    {
        // Arrange
        var paths = Images.Select(f => Path.Combine(TestPaths.Images, f)).ToArray();
        using var torchModel = ClipModel.Load(OnnxFixtures.TinyHf);
        using var onnxModel = LoadOnnx();

        // Act
        var expected = torchModel.EncodeImages(paths, batchSize: 4);
        var actual = onnxModel.EncodeImages(paths, batchSize: 4);

        // Assert
        Assert.Equal(32, onnxModel.EmbedDim);
        for (var i = 0; i < paths.Length; i++)
        {
            Assert.True(OnnxFixtures.MaxAbsDiff(expected[i], actual[i]) < Tolerance, $"{Images[i]}: max diff {OnnxFixtures.MaxAbsDiff(expected[i], actual[i]):E2}");
        }
    }

    [Fact]
    public void EncodeTexts_SplitExport_MatchesTorchSharpAndPyTorchReference()
    {
        // Arrange
        var cases = ClipReference.Model("tiny-quickgelu").GetProperty("texts").EnumerateArray().Take(24).ToArray();
        var texts = cases.Select(c => c.GetProperty("text").GetString()!).ToArray();
        using var torchModel = ClipModel.Load(OnnxFixtures.TinyHf);
        using var onnxModel = LoadOnnx();

        // Act
        var expected = torchModel.EncodeTexts(texts, batchSize: 7);
        var actual = onnxModel.EncodeTexts(texts, batchSize: 7);

        // Assert
        for (var i = 0; i < texts.Length; i++)
        {
            var reference = ClipReference.Floats(cases[i].GetProperty("embedding"));
            Assert.True(OnnxFixtures.MaxAbsDiff(expected[i], actual[i]) < Tolerance, $"text {i}: vs TorchSharp {OnnxFixtures.MaxAbsDiff(expected[i], actual[i]):E2}");
            Assert.True(OnnxFixtures.MaxAbsDiff(reference, actual[i]) < Tolerance, $"text {i}: vs PyTorch {OnnxFixtures.MaxAbsDiff(reference, actual[i]):E2}");
        }
    }

    [Fact]
    public void EncodeImages_Streams_EqualPathsAndUnnormalisedKeepsNorm()
    {
        // Arrange
        var paths = Images.Take(3).Select(f => Path.Combine(TestPaths.Images, f)).ToArray();
        using var onnxModel = LoadOnnx();
        var streams = paths.Select(p => (Stream)File.OpenRead(p)).ToArray();

        // Act
        var fromPaths = onnxModel.EncodeImages(paths, normalize: false);
        var fromStreams = onnxModel.EncodeImages(streams, paths, batchSize: 2, normalize: false);
        var normalised = onnxModel.EncodeImages(paths);
        foreach (var s in streams)
        {
            s.Dispose();
        }

        // Assert: same pixels, same graph: identical floats; normalising only rescales the raw rows.
        for (var i = 0; i < paths.Length; i++)
        {
            Assert.Equal(fromPaths[i], fromStreams[i]);
            var norm = Math.Sqrt(fromPaths[i].Sum(x => (double)x * x));
            Assert.True(norm > 1.5 || norm < 0.5, $"raw norm {norm} should differ from 1");
            Assert.True(OnnxFixtures.MaxAbsDiff(normalised[i], [.. fromPaths[i].Select(x => (float)(x / norm))]) < 1e-6);
        }
    }

    [Fact]
    public void LogitScale_ConfigLogitScale_EqualsTorchSharpModel()
    {
        // Arrange
        using var torchModel = ClipModel.Load(OnnxFixtures.TinyHf);

        // Act
        using var onnxModel = LoadOnnx();
        using var overridden = OnnxClipModel.Load(OnnxFixtures.ClipSplit, new OnnxClipLoadOptions { TokenizerPath = OnnxFixtures.TinyHf, LogitScale = 50f });

        // Assert: config.json's logit_scale 2.99609375 → exp = 20.00723
        Assert.Equal(torchModel.LogitScale, onnxModel.LogitScale, 4);
        Assert.Equal(50f, overridden.LogitScale);
        Assert.Equal("clip-split", onnxModel.Name);
    }

    [Fact]
    public async Task EncodeTexts_ConcurrentCallers_GiveTheSameRows()
    {
        // Arrange
        using var onnxModel = LoadOnnx();
        string[] texts = ["a diagram", "a dog", "a cat", "two cats on a sofa"];
        var expected = onnxModel.EncodeTexts(texts);

        // Act
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => onnxModel.EncodeTexts(texts, batchSize: 3))));

        // Assert
        foreach (var rows in results)
        {
            for (var i = 0; i < texts.Length; i++)
            {
                Assert.Equal(expected[i], rows[i]);
            }
        }
    }
}
