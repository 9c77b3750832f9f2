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

    // Each of these was silently replaced by the default (or, for the std of 0, reported without naming the field).
    [Theory]
    [InlineData("""{"image_mean": "0.5"}""", "image_mean")]
    [InlineData("""{"image_mean": [0.5, 0.5]}""", "image_mean")]
    [InlineData("""{"image_mean": [0.5, "x", 0.5]}""", "image_mean")]
    [InlineData("""{"image_mean": [1e39, 0, 0]}""", "image_mean")]
    [InlineData("""{"image_std": {"r": 0.5}}""", "image_std")]
    [InlineData("""{"image_std": [0.5, 0, 0.5]}""", "image_std")]
    [InlineData("""{"image_std": [0.5, -1, 0.5]}""", "image_std")]
    [InlineData("""{"image_std": true}""", "image_std")]
    [InlineData("""{"do_rescale": "yes"}""", "do_rescale")]
    [InlineData("""{"rescale_factor": "1/255"}""", "rescale_factor")]
    [InlineData("""{"do_convert_rgb": 1}""", "do_convert_rgb")]
    [InlineData("""{"crop_size": "224"}""", "crop_size")]
    [InlineData("""{"size": {"longest_edge": 224}}""", "size.height")]
    [InlineData("""{"resample": "bicubic"}""", "resample")]
    public void FromHuggingFace_MalformedField_FormatExceptionNamingFileAndField(string json, string field)
    {
        var cfg = JsonNode.Parse(json)!.AsObject();

        var e = Assert.Throws<FormatException>(() => PreprocessConfigJson.FromHuggingFace(cfg, 224, "preprocessor_config.json"));

        Assert.Contains("preprocessor_config.json", e.Message);
        Assert.Contains(field, e.Message);
    }

    [Theory]
    [InlineData("""{"do_rescale": false}""", "do_rescale")]
    [InlineData("""{"rescale_factor": 1.0}""", "rescale_factor")]
    [InlineData("""{"resample": 0}""", "resample")]
    public void FromHuggingFace_UnsupportedValue_NotSupportedNamingField(string json, string field)
    {
        var cfg = JsonNode.Parse(json)!.AsObject();

        var e = Assert.Throws<NotSupportedException>(() => PreprocessConfigJson.FromHuggingFace(cfg, 224, "p.json"));

        Assert.Contains("p.json", e.Message);
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void FromHuggingFace_SingleNumberMeanAndStd_AppliesToEveryChannel()
    {
        // transformers' normalize accepts one float for all channels (it was ignored before).
        var cfg = JsonNode.Parse("""{"image_mean": 0.5, "image_std": 0.25, "rescale_factor": 0.00392156862745098}""")!.AsObject();

        var options = PreprocessConfigJson.FromHuggingFace(cfg, 224, "p.json");

        Assert.Equal(new RgbValues(0.5f, 0.5f, 0.5f), options.Mean);
        Assert.Equal(new RgbValues(0.25f, 0.25f, 0.25f), options.Std);
    }

    [Fact]
    public void FromHuggingFace_SizeAsHeightAndWidth_Squashes()
    {
        // CLIPImageProcessor resizes {height, width} to exactly that size; {shortest_edge} keeps the aspect ratio.
        var squash = JsonNode.Parse("""{"size": {"height": 224, "width": 224}}""")!.AsObject();
        var shortest = JsonNode.Parse("""{"size": {"shortest_edge": 224}}""")!.AsObject();

        Assert.Equal(ImageResizeMode.Squash, PreprocessConfigJson.FromHuggingFace(squash, 224, "p.json").ResizeMode);
        Assert.Equal(ImageResizeMode.Shortest, PreprocessConfigJson.FromHuggingFace(shortest, 224, "p.json").ResizeMode);
    }

    [Theory]
    [InlineData("""{"mean": "0.5"}""", "mean")]
    [InlineData("""{"std": [0.5, 0.5, 0]}""", "std")]
    [InlineData("""{"std": null, "mean": [0.1, 0.2, null]}""", "mean")]
    [InlineData("""{"interpolation": 3}""", "interpolation")]
    [InlineData("""{"fill_color": "white"}""", "fill_color")]
    public void FromOpenClip_MalformedField_FormatExceptionNamingFileAndField(string json, string field)
    {
        var cfg = JsonNode.Parse(json)!.AsObject();

        var e = Assert.Throws<FormatException>(() => PreprocessConfigJson.FromOpenClip(cfg, 224, "open_clip_config.json"));

        Assert.Contains("open_clip_config.json", e.Message);
        Assert.Contains(field, e.Message);
    }

    [Theory]
    [InlineData("""{"mode": "L"}""", "mode")]
    [InlineData("""{"resize_mode": "longest", "fill_color": 255}""", "fill_color")]
    public void FromOpenClip_UnsupportedValue_NotSupportedNamingField(string json, string field)
    {
        var cfg = JsonNode.Parse(json)!.AsObject();

        var e = Assert.Throws<NotSupportedException>(() => PreprocessConfigJson.FromOpenClip(cfg, 224, "c.json"));

        Assert.Contains(field, e.Message);
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
