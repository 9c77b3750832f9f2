using MultiModal.Encoders.Config;
using MultiModal.Encoders.Layers;
using MultiModal.Encoders.Models;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Tests.Models;

/// <summary>Behaviour of the modules themselves, on a small seeded config (width 64, 2 layers, 32-px images).</summary>
public sealed class ClipNetworkTests
{
    private static readonly ClipConfig Small = new()
    {
        EmbedDim = 16,
        Activation = Activation.QuickGelu,
        Vision = new VisionTowerConfig { ImageSize = 32, PatchSize = 8, Width = 64, Layers = 2, HeadWidth = 32 },
        Text = new TextTowerConfig { ContextLength = 12, VocabSize = 100, Width = 64, Heads = 4, Layers = 2 },
    };

    [Fact]
    public void StateDict_Keys_AreTheOwnFormatKeyMap()
    {
        using var network = ClipNetwork.CreateRandom(Small, seed: 1);

        var keys = network.state_dict().Keys.Order(StringComparer.Ordinal);

        Assert.Equal(MultiModal.Encoders.Checkpoints.ClipKeyMaps.InternalKeys(Small).Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public void EncodeText_LaterTokenChanged_EarlierPoolingPositionUnaffected()
    {
        using var network = ClipNetwork.CreateRandom(Small, seed: 2);
        network.eval();
        // End token (the largest id, 99) at position 3; positions after it must not leak into the pooled feature.
        using var a = tensor(new long[] { 1, 5, 7, 99, 0, 0, 0, 0, 0, 0, 0, 0 }, [1, 12]);
        using var b = tensor(new long[] { 1, 5, 7, 99, 42, 13, 8, 0, 0, 0, 0, 3 }, [1, 12]);

        using var ea = network.EncodeText(a);
        using var eb = network.EncodeText(b);

        Assert.True(ea.allclose(eb, rtol: 0, atol: 1e-6), "causal mask leaks future tokens");
    }

    [Fact]
    public void EncodeText_BatchRowsIndependent_SameAsOneByOne()
    {
        using var network = ClipNetwork.CreateRandom(Small, seed: 3);
        network.eval();
        using var batch = tensor(new long[] { 1, 5, 99, 0, 1, 8, 9, 99 }, [2, 4]);

        using var both = network.EncodeText(batch);
        using var second = network.EncodeText(batch[1..2]);

        Assert.True(both[1..2].allclose(second, rtol: 0, atol: 1e-6));
        Assert.Equal([2L, 16], both.shape);
        Assert.True(both.norm(1).allclose(ones(2), rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void EncodeText_TokenOutsideVocabulary_ThrowsNamingRange()
    {
        using var network = ClipNetwork.CreateRandom(Small, seed: 4);
        using var tokens = tensor(new long[] { 1, 100 }, [1, 2]);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => network.EncodeText(tokens));

        Assert.Contains("[0, 100)", e.Message);
    }

    [Fact]
    public void EncodeText_TooManyPositions_Throws()
    {
        using var network = ClipNetwork.CreateRandom(Small, seed: 4);
        using var tokens = zeros([1, 13], ScalarType.Int64);

        Assert.Throws<ArgumentException>(() => network.EncodeText(tokens));
    }

    [Fact]
    public void EncodeImage_WrongResolution_ThrowsWithShapes()
    {
        using var network = ClipNetwork.CreateRandom(Small, seed: 5);
        using var pixels = zeros(2, 3, 64, 64);

        var e = Assert.Throws<ArgumentException>(() => network.EncodeImage(pixels));

        Assert.Contains("[B, 3, 32, 32]", e.Message);
        Assert.Contains("[2, 3, 64, 64]", e.Message);
    }

    [Fact]
    public void Forward_Logits_AreScaledCosines()
    {
        using var network = ClipNetwork.CreateRandom(Small, seed: 6);
        network.eval();
        using var pixels = randn(3, 3, 32, 32);
        using var tokens = tensor(new long[] { 1, 5, 99, 1, 6, 99 }, [2, 3]);

        var output = network.forward(pixels, tokens);

        using var expected = output.ImageEmbeds.matmul(output.TextEmbeds.t()) * (1 / 0.07);
        Assert.True(output.LogitsPerImage.allclose(expected, rtol: 1e-5, atol: 1e-5));
        Assert.True(output.LogitsPerText.allclose(expected.t(), rtol: 1e-5, atol: 1e-5));
        Assert.Equal(1 / 0.07, output.LogitScale.item<float>(), 3);
    }

    [Fact]
    public void Attention_CrossAttentionOverSelf_EqualsSelfAttention()
    {
        random.manual_seed(7);
        using var attention = new MultiHeadAttention(64, 4);
        using var x = randn(2, 5, 64);

        using var self = attention.forward(x);
        using var cross = attention.Attend(x, x, null);

        Assert.True(self.allclose(cross, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Attention_MatchesExplicitSoftmaxFormula()
    {
        random.manual_seed(8);
        using var attention = new MultiHeadAttention(8, 2);
        using var x = randn(1, 3, 8);
        var p = attention.state_dict();

        using var actual = attention.forward(x);

        // softmax(q kᵀ / √d) v per head, then the output projection: the textbook definition.
        var qkv = nn.functional.linear(x, p["in_proj_weight"], p["in_proj_bias"]).chunk(3, -1);
        var heads = new List<Tensor>();
        for (var h = 0; h < 2; h++)
        {
            var q = qkv[0][.., .., (h * 4)..((h + 1) * 4)];
            var k = qkv[1][.., .., (h * 4)..((h + 1) * 4)];
            var v = qkv[2][.., .., (h * 4)..((h + 1) * 4)];
            heads.Add(nn.functional.softmax(q.matmul(k.transpose(1, 2)) / 2.0, -1).matmul(v));
        }
        using var expected = nn.functional.linear(cat(heads, -1), p["out_proj.weight"], p["out_proj.bias"]);
        Assert.True(actual.allclose(expected, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Config_InvalidHeads_RejectedBeforeBuilding()
    {
        var config = Small with { Text = Small.Text with { Heads = 5 } };

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ClipNetwork(config));

        Assert.Equal("text_cfg.heads", e.ParamName);
    }
}
