using MultiModal.Encoders.Onnx;

namespace MultiModal.Encoders.Tests.Onnx;

/// <summary>The combined <c>model.onnx</c> layout, on the hand-built graph of tests/fixtures/onnx/clip-single.</summary>
public sealed class OnnxClipSingleModelTests
{
    // The graph averages 50,176 pixels per channel in float32 (ONNX Runtime) where the reference sums in float64:
    // measured gap 3.2e-6 on values of order 1; 2e-5 leaves room without hiding a wrong crop or mean/std (~1e-2).
    private const double ImageTolerance = 2e-5;

    // The text maths is 77 products in float32 vs float64 on values up to ~5: measured gap 1.9e-6.
    private const double TextTolerance = 1e-5;

    private static OnnxClipModel Load() =>
        OnnxClipModel.Load(OnnxFixtures.ClipSingle, new OnnxClipLoadOptions { TokenizerPath = OnnxFixtures.TinyHf });

    [Fact]
    public void EncodeImages_CombinedModel_MatchesNumpyReference()
    {
        // Arrange
        var reference = OnnxFixtures.Json("clip-single", "reference.json").GetProperty("images");
        using var model = Load();
        var files = reference.EnumerateObject().Select(p => p.Name).ToArray();

        // Act
        var rows = model.EncodeImages(files.Select(f => Path.Combine(TestPaths.Images, f)).ToArray(), normalize: false);

        // Assert
        Assert.Equal(4, model.EmbedDim);
        for (var i = 0; i < files.Length; i++)
        {
            var expected = OnnxFixtures.Floats(reference.GetProperty(files[i]).GetProperty("embedding_raw"));
            Assert.True(OnnxFixtures.MaxAbsDiff(expected, rows[i]) < ImageTolerance, $"{files[i]}: {OnnxFixtures.MaxAbsDiff(expected, rows[i]):E2}");
        }
    }

    [Fact]
    public void EncodeTokens_CombinedModel_MatchesNumpyReference()
    {
        // Arrange
        var cases = OnnxFixtures.Json("clip-single", "reference.json").GetProperty("texts").EnumerateArray().ToArray();
        using var model = Load();
        var ids = new long[cases.Length * 77];
        for (var r = 0; r < cases.Length; r++)
        {
            var tokens = cases[r].GetProperty("tokens").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            tokens.CopyTo(ids, r * 77);
        }

        // Act
        var rows = model.Text.EncodeTokens(ids, cases.Length, normalize: false);

        // Assert
        for (var r = 0; r < cases.Length; r++)
        {
            var expected = OnnxFixtures.Floats(cases[r].GetProperty("embedding_raw"));
            Assert.True(OnnxFixtures.MaxAbsDiff(expected, rows[r]) < TextTolerance, $"row {r}: {OnnxFixtures.MaxAbsDiff(expected, rows[r]):E2}");
        }
    }

    [Fact]
    public void LogitScale_NoLogitScaleInConfig_FallsBackTo100()
    {
        // Arrange / Act
        using var model = Load();

        // Assert: config.json has only logit_scale_init_value (2.6592), which is deliberately not used.
        Assert.Equal(OnnxClipModel.DefaultLogitScale, model.LogitScale);
    }

    [Fact]
    public void Mask_RowsWithAndWithoutEndToken_OnesThroughEndOfText()
    {
        // Arrange
        long[] ids = [49406, 320, 49407, 0, 0, /* row 2, truncated without padding: */ 49406, 1, 2, 3, 49407];

        // Act
        var mask = OnnxClipTextTower.Mask(ids, 2, 5, 49407);

        // Assert
        Assert.Equal([1L, 1, 1, 0, 0, 1, 1, 1, 1, 1], mask);
    }
}
