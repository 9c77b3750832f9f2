using MultiModal.Encoders.Config;

namespace MultiModal.Encoders.Tests.Config;

public sealed class ClipConfigTests
{
    [Theory]
    [InlineData("ViT-B-32", 768, 32, 12, 512, 512, Activation.Gelu)]
    [InlineData("ViT-B-32-quickgelu", 768, 32, 12, 512, 512, Activation.QuickGelu)]
    [InlineData("ViT-B-16", 768, 16, 12, 512, 512, Activation.Gelu)]
    [InlineData("ViT-L-14", 1024, 14, 16, 768, 768, Activation.Gelu)]
    [InlineData("ViT-L-14-336-quickgelu", 1024, 14, 16, 768, 768, Activation.QuickGelu)]
    public void Get_NamedArchitecture_MatchesOpenClip(string name, int visionWidth, int patch, int visionHeads, int textWidth, int embed, Activation activation)
    {
        var config = ClipArchitectures.Get(name);

        Assert.Equal(visionWidth, config.Vision.Width);
        Assert.Equal(patch, config.Vision.PatchSize);
        Assert.Equal(visionHeads, config.Vision.Heads);
        Assert.Equal(textWidth, config.Text.Width);
        Assert.Equal(embed, config.EmbedDim);
        Assert.Equal(activation, config.Activation);
    }

    [Fact]
    public void Names_ListsAllEightBuiltIns()
    {
        Assert.Equal(8, ClipArchitectures.Names.Count);
        Assert.Contains("ViT-L-14-336", ClipArchitectures.Names);
        Assert.Equal(336, ClipArchitectures.Get("ViT-L-14-336").Vision.ImageSize);
    }

    [Fact]
    public void Get_UnknownName_ListsKnownNames()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => ClipArchitectures.Get("ViT-H-99"));

        Assert.Contains("ViT-B-32", e.Message);
    }

    [Fact]
    public void Parse_ResNetTower_NotSupported()
    {
        const string json = """{"embed_dim": 1024, "vision_cfg": {"image_size": 224, "layers": [3, 4, 6, 3], "width": 64}, "text_cfg": {}}""";

        var e = Assert.Throws<NotSupportedException>(() => OpenClipConfigJson.Parse(json, "RN50.json"));

        Assert.Contains("RN50.json", e.Message);
    }

    [Fact]
    public void Parse_WrongType_FormatExceptionNamingField()
    {
        const string json = """{"embed_dim": "big", "vision_cfg": {}, "text_cfg": {}}""";

        var e = Assert.Throws<FormatException>(() => OpenClipConfigJson.Parse(json, "x.json"));

        Assert.Contains("embed_dim", e.Message);
    }

    [Fact]
    public void Validate_PatchNotDividingImage_NamesField()
    {
        var config = new ClipConfig { Vision = new VisionTowerConfig { ImageSize = 224, PatchSize = 15 } };

        var e = Assert.Throws<ArgumentOutOfRangeException>(config.Validate);

        Assert.Equal("vision_cfg.patch_size", e.ParamName);
    }

    [Theory]
    [InlineData(64, 0.01, "vision_cfg.mlp_ratio")]
    [InlineData(64, 1e300, "vision_cfg.mlp_ratio")]
    public void Validate_MlpRatioGivingNoUsableWidth_NamesField(int width, double ratio, string field)
    {
        var config = new ClipConfig { Vision = new VisionTowerConfig { Width = width, HeadWidth = 32, MlpRatio = ratio } };

        var e = Assert.Throws<ArgumentOutOfRangeException>(config.Validate);

        Assert.Equal(field, e.ParamName);
    }

    [Fact]
    public void Validate_TextMlpRatioGivingZeroWidth_NamesField()
    {
        var config = new ClipConfig { Text = new TextTowerConfig { Width = 8, Heads = 2, MlpRatio = 0.1 } };

        var e = Assert.Throws<ArgumentOutOfRangeException>(config.Validate);

        Assert.Equal("text_cfg.mlp_ratio", e.ParamName);
    }

    [Fact]
    public void Validate_GridWhosePositionsOverflowInt_NamesImageSize()
    {
        // 65536² + 1 positions do not fit the int arithmetic the tower uses (it wrapped to a negative size before).
        var config = new ClipConfig { Vision = new VisionTowerConfig { ImageSize = 65536, PatchSize = 1 } };

        var e = Assert.Throws<ArgumentOutOfRangeException>(config.Validate);

        Assert.Equal("vision_cfg.image_size", e.ParamName);
    }

    [Fact]
    public void ToJson_ThenParse_RoundTrips()
    {
        var config = ClipArchitectures.Get("ViT-B-16-quickgelu");

        var parsed = OpenClipConfigJson.Parse(OpenClipConfigJson.ToJson(config).ToJsonString(), "roundtrip");

        Assert.Equal(config, parsed);
    }

    [Fact]
    public void HfParse_MissingFieldsAndLegacyDicts_UseTransformersDefaults()
    {
        const string json = """{"model_type": "clip", "projection_dim": 512, "text_config_dict": {"hidden_size": 512}, "vision_config_dict": {"patch_size": 16}}""";

        var config = HfClipConfigJson.Parse(json, "config.json");

        Assert.Equal(Activation.QuickGelu, config.Activation);
        Assert.Equal(ClipArchitectures.Get("ViT-B-16-quickgelu").Vision, config.Vision);
        Assert.Equal(ClipArchitectures.Get("ViT-B-16-quickgelu").Text, config.Text);
    }

    [Theory]
    [InlineData("""{"vision_config": "ViT-B-32"}""", "vision_config")]
    [InlineData("""{"text_config": [512]}""", "text_config")]
    [InlineData("""{"text_config_dict": 5}""", "text_config_dict")]
    public void HfParse_TowerConfigNotAnObject_FormatExceptionNamingField(string json, string field)
    {
        // Before, these were silently replaced by transformers' defaults (a ViT-B/32-sized tower).
        var e = Assert.Throws<FormatException>(() => HfClipConfigJson.Parse(json, "config.json"));

        Assert.Contains("config.json", e.Message);
        Assert.Contains(field, e.Message);
    }

    [Theory]
    [InlineData(176, 240)]
    [InlineData(304, 1392)]
    [InlineData(768, 3072)]
    [InlineData(1664, 8192)]
    public void HfParse_IntermediateSize_IsTheMlpWidthExactly(int width, int intermediate)
    {
        // width 176 / 240 used to give an MLP of 239: the file's 240 then failed as mis-shaped.
        var tower = $"\"hidden_size\": {width}, \"num_attention_heads\": 8, \"intermediate_size\": {intermediate}";
        var json = "{\"text_config\": {" + tower + "}, \"vision_config\": {" + tower + "}}";

        var config = HfClipConfigJson.Parse(json, "config.json");

        Assert.Equal(intermediate, config.Text.MlpWidth);
        Assert.Equal(intermediate, config.Vision.MlpWidth);
    }

    [Fact]
    public void HfParse_MixedActivations_NotSupported()
    {
        const string json = """{"text_config": {"hidden_act": "gelu"}, "vision_config": {"hidden_act": "quick_gelu"}}""";

        Assert.Throws<NotSupportedException>(() => HfClipConfigJson.Parse(json, "config.json"));
    }
}
