using MultiModal.Encoders.Config;
using MultiModal.Encoders.Models;

namespace MultiModal.Encoders.Tests.Models;

/// <summary>The shapes derived from a config must be exactly those of the network built from it.</summary>
public sealed class ClipStateShapesTests
{
    public static TheoryData<string, ClipConfig> Configs => new()
    {
        { "small", new ClipConfig
            {
                EmbedDim = 16,
                Vision = new VisionTowerConfig { ImageSize = 32, PatchSize = 8, Width = 64, Layers = 2, HeadWidth = 32 },
                Text = new TextTowerConfig { ContextLength = 12, VocabSize = 100, Width = 64, Heads = 4, Layers = 2 },
            }
        },
        { "odd mlp ratios", new ClipConfig
            {
                EmbedDim = 5,
                Vision = new VisionTowerConfig { ImageSize = 28, PatchSize = 14, Width = 30, Layers = 1, HeadWidth = 10, MlpRatio = 2.7 },
                Text = new TextTowerConfig { ContextLength = 7, VocabSize = 11, Width = 12, Heads = 3, Layers = 3, MlpRatio = 1.5 },
            }
        },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Of_Config_EqualsTheBuiltNetworksStateDict(string name, ClipConfig config)
    {
        using var network = new ClipNetwork(config);
        var actual = network.state_dict().Select(kv => $"{kv.Key} [{string.Join(",", kv.Value.shape)}]").Order(StringComparer.Ordinal).ToList();

        var derived = ClipStateShapes.Of(config).Select(s => $"{s.Key} [{string.Join(",", s.Shape)}]").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(actual, derived);
        Assert.NotEmpty(name);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Counts_Config_EqualTheBuiltNetworksTensorsAndParameters(string name, ClipConfig config)
    {
        using var network = new ClipNetwork(config);

        Assert.Equal(network.state_dict().Count, ClipStateShapes.TensorCount(config));
        Assert.True(network.parameters().Sum(p => p.numel()) == ClipStateShapes.ParameterCount(config), name);
    }

    [Fact]
    public void ParameterCount_ViTB32_IsOpenClipsFigure()
    {
        // open_clip ViT-B-32: 151,277,313 parameters (87,849,216 image + 63,428,096 text + logit_scale).
        Assert.Equal((Int128)151_277_313, ClipStateShapes.ParameterCount(ClipArchitectures.Get("ViT-B-32")));
    }
}
