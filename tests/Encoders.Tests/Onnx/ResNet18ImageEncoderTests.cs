using MultiModal.Encoders.Onnx;

namespace MultiModal.Encoders.Tests.Onnx;

/// <summary>
/// ML.NET's ResNet18 featurizer graphs (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18) against
/// tests/fixtures/onnx/resnet18/reference.json: the same graphs run by a torch interpreter on PIL's 224 px crops.
/// </summary>
public sealed class ResNet18ImageEncoderTests
{
    // Features are averages of post-ReLU activations after 18 float32 conv layers computed by ONNX Runtime and by torch:
    // measured gaps at most 5e-7 of the largest feature; 1e-5 of it leaves room for kernel differences and still
    // catches a channel swap, a missing mean subtraction or a one-pixel crop shift.
    private const double RelativeTolerance = 1e-5;

    private static ResNet18Options Options => new() { Session = new OnnxSessionOptions { IntraOpThreads = 1 } };

    [Fact]
    public void EncodeImages_FixtureImages_MatchInterpreterReference()
    {
        // Arrange
        var cases = OnnxFixtures.Json("resnet18", "reference.json").GetProperty("cases").EnumerateArray().ToArray();
        var paths = cases.Select(c => Path.Combine(TestPaths.Images, c.GetProperty("image").GetString()!)).ToArray();
        using var encoder = ResNet18ImageEncoder.Load(Options);

        // Act
        var rows = encoder.EncodeImages(paths, batchSize: 2, normalize: false);

        // Assert
        Assert.Equal(512, encoder.EmbedDim);
        for (var i = 0; i < cases.Length; i++)
        {
            var expected = OnnxFixtures.Floats(cases[i].GetProperty("features"));
            double scale = expected.Max(Math.Abs);
            Assert.True(scale > 1, $"{paths[i]}: features too small to compare ({scale})");
            Assert.True(OnnxFixtures.MaxAbsDiff(expected, rows[i]) < RelativeTolerance * scale, $"{paths[i]}: {OnnxFixtures.MaxAbsDiff(expected, rows[i]) / scale:E2} relative");
        }
    }

    [Fact]
    public void EncodeImages_ConcurrentRuns_EqualOneAtATime()
    {
        // Images run concurrently (Parallelism) on thread-safe sessions; each image's arithmetic is unchanged.
        var paths = new[] { "butterfly.jpg", "camera.png", "chelsea.png", "coffee.png", "fruits.jpg" }.Select(f => Path.Combine(TestPaths.Images, f)).ToArray();
        using var serial = ResNet18ImageEncoder.Load(Options with { Parallelism = 1 });
        using var parallel = ResNet18ImageEncoder.Load(Options with { Parallelism = 3 });

        var a = serial.EncodeImages(paths, batchSize: 5, normalize: false);
        var b = parallel.EncodeImages(paths, batchSize: 5, normalize: false);

        Assert.Equal(a, b);
    }

    [Fact]
    public void Load_NegativeParallelism_ThrowsNamingTheField()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ResNet18ImageEncoder.Load(Options with { Parallelism = -1 }));

        Assert.Equal("Parallelism", e.ParamName);
    }

    [Fact]
    public void ExtractPixels_FixtureImage_IsPlanarRgbInByteRangeAsPil()
    {
        // Arrange
        var c = OnnxFixtures.Json("resnet18", "reference.json").GetProperty("cases")[0];
        using var encoder = ResNet18ImageEncoder.Load(Options);

        // Act
        var pixels = encoder.ExtractPixels(Path.Combine(TestPaths.Images, c.GetProperty("image").GetString()!));

        // Assert: the top-left pixel's R, G, B planes equal PIL's bilinear crop
        int plane = 224 * 224;
        float[] expected = [.. c.GetProperty("first_pixels").EnumerateArray().Select(e => e.GetSingle())];
        Assert.Equal(expected, new[] { pixels[0], pixels[plane], pixels[2 * plane] });
        Assert.All(pixels, p => Assert.InRange(p, 0f, 255f));
    }

    [Fact]
    public void EncodeImages_Normalised_AreUnitRowsOfTheRawFeatures()
    {
        // Arrange
        var path = Path.Combine(TestPaths.Images, "chelsea.png");
        using var encoder = ResNet18ImageEncoder.Load(Options);
        using var stream = File.OpenRead(path);

        // Act
        var raw = encoder.EncodeImages([path], normalize: false)[0];
        var unit = encoder.EncodeImages([stream], ["chelsea"])[0];

        // Assert
        var norm = Math.Sqrt(raw.Sum(x => (double)x * x));
        Assert.True(OnnxFixtures.MaxAbsDiff([.. raw.Select(x => (float)(x / norm))], unit) < 1e-6);
        Assert.All(raw, x => Assert.True(x >= 0, "ResNet features are post-ReLU averages"));
    }

    [Fact]
    public void Load_MissingModelDirectory_NamesTheMissingFile()
    {
        // Arrange
        var options = Options with { ModelDirectory = Path.Combine(OnnxFixtures.Root, "no-models") };

        // Act
        var e = Assert.Throws<FileNotFoundException>(() => ResNet18ImageEncoder.Load(options));

        // Assert
        Assert.Contains("ResNetPreprocess.onnx", e.Message);
    }

    [Fact]
    public void Load_WrongGraphs_ListsInputsAndOutputs()
    {
        // Arrange: the CLIP towers in ResNet's places
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "ResNetPrepOnnx"));
        Directory.CreateDirectory(Path.Combine(folder.Path, "ResNet18Onnx"));
        File.Copy(Path.Combine(OnnxFixtures.Bad("wrong-dims"), "vision_model.onnx"), Path.Combine(folder.Path, ResNet18ImageEncoder.PreprocessModelRelativePath));
        File.Copy(Path.Combine(OnnxFixtures.Bad("wrong-dims"), "vision_model.onnx"), Path.Combine(folder.Path, ResNet18ImageEncoder.NetworkModelRelativePath));

        // Act
        var e = Assert.Throws<OnnxModelException>(() => ResNet18ImageEncoder.Load(Options with { ModelDirectory = folder.Path }));

        // Assert
        // The preprocessing slot accepts any [1, 3, 224, 224] → [1, 3, …] graph; the network slot needs 512 channels.
        Assert.EndsWith("ResNet18.onnx", e.ModelPath);
        Assert.Contains("image_embeds: Float [b, 3]", e.Message);
    }
}
