using System.Text.Json.Nodes;
using MultiModal.Encoders.Checkpoints;
using MultiModal.Encoders.Imaging;

namespace MultiModal.Encoders.Tests.Checkpoints;

public sealed class PreprocessConfigJsonTests
{
    [Fact]
    public void FromHuggingFace_OpenAiProcessor_BicubicWithItsMeanStd()
    {
        var cfg = JsonNode.Parse("""
            {"crop_size": {"height": 224, "width": 224}, "size": {"shortest_edge": 224}, "resample": 3,
             "image_mean": [0.5, 0.25, 0.125], "image_std": [0.1, 0.2, 0.3], "do_center_crop": true}
            """)!.AsObject();

        var options = PreprocessConfigJson.FromHuggingFace(cfg, 224, "preprocessor_config.json");

        Assert.Equal(ImageInterpolation.Bicubic, options.Interpolation);
        Assert.Equal(new RgbValues(0.5f, 0.25f, 0.125f), options.Mean);
        Assert.Equal(new RgbValues(0.1f, 0.2f, 0.3f), options.Std);
    }

    [Fact]
    public void FromHuggingFace_ResizeLargerThanCrop_NotSupportedWithSizes()
    {
        var cfg = JsonNode.Parse("""{"crop_size": 224, "size": {"shortest_edge": 256}}""")!.AsObject();

        var e = Assert.Throws<NotSupportedException>(() => PreprocessConfigJson.FromHuggingFace(cfg, 224, "p.json"));

        Assert.Contains("256", e.Message);
        Assert.Contains("p.json", e.Message);
    }

    [Fact]
    public void FromOpenClip_UnknownResizeMode_NotSupportedNamingValue()
    {
        var cfg = JsonNode.Parse("""{"resize_mode": "zoom"}""")!.AsObject();

        var e = Assert.Throws<NotSupportedException>(() => PreprocessConfigJson.FromOpenClip(cfg, 224, "c.json"));

        Assert.Contains("zoom", e.Message);
    }

    [Fact]
    public void FromOpenClip_MeanWithTwoValues_FormatException()
    {
        var cfg = JsonNode.Parse("""{"mean": [0.5, 0.5]}""")!.AsObject();

        var e = Assert.Throws<FormatException>(() => PreprocessConfigJson.FromOpenClip(cfg, 224, "c.json"));

        Assert.Contains("mean", e.Message);
    }

    [Fact]
    public void ToOpenClip_ThenFromOpenClip_RoundTrips()
    {
        var options = new ImagePreprocessOptions
        {
            ImageSize = 336,
            Mean = new RgbValues(0.5f, 0.5f, 0.5f),
            Std = new RgbValues(0.25f, 0.5f, 0.75f),
            Interpolation = ImageInterpolation.Bilinear,
            ResizeMode = ImageResizeMode.Squash,
        };

        var parsed = PreprocessConfigJson.FromOpenClip(PreprocessConfigJson.ToOpenClip(options), 336, "roundtrip");

        Assert.Equal(options, parsed);
    }
}
