using MultiModal.Encoders.Models;
using MultiModal.Training.Config;
using MultiModal.Training.Optim;
using MultiModal.Training.Tests.Helpers;
using MultiModal.Encoders.Config;

namespace MultiModal.Training.Tests.Optim;

public sealed class WeightDecayRuleTests
{
    [Fact]
    public void TrainingOptimizer_ClipWithBackboneMultiplier_GroupsByDecayAndMultiplier()
    {
        // Arrange
        var dir = TestConfigs.TempDir("groups");
        var config = OpenClipConfigJson.Parse(File.ReadAllText(TestConfigs.TinyClipArchitecture(dir)), "tiny");
        using var network = ClipNetwork.CreateRandom(config, seed: 0);
        var named = network.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        var section = new OptimizerSection { WeightDecay = 0.2, LrMultipliers = new Dictionary<string, double> { ["visual."] = 0.1, ["visual.proj"] = 1.0 } };

        // Act
        using var optimizer = new TrainingOptimizer(named, section);

        // Assert: decayed = 2-d weights that are not embeddings; the projection's longer prefix wins over "visual.".
        var decayed = optimizer.DecayedNames.ToHashSet();
        Assert.Contains("visual.conv1.weight", decayed);
        Assert.Contains("text.transformer.resblocks.0.attn.in_proj_weight", decayed);
        Assert.Contains("text.text_projection", decayed);
        Assert.DoesNotContain("visual.class_embedding", decayed);
        Assert.DoesNotContain("visual.positional_embedding", decayed);
        Assert.DoesNotContain("text.token_embedding.weight", decayed);
        Assert.DoesNotContain("logit_scale", decayed);
        Assert.DoesNotContain("visual.ln_pre.weight", decayed);
        Assert.DoesNotContain("text.transformer.resblocks.0.attn.in_proj_bias", decayed);
        var groups = optimizer.Groups;
        Assert.Contains(groups, g => g.LrMultiplier == 0.1 && g.Decay && g.Names.Contains("visual.conv1.weight"));
        Assert.Contains(groups, g => g.LrMultiplier == 1.0 && g.Decay && g.Names.Contains("visual.proj"));
        Assert.Contains(groups, g => g.LrMultiplier == 0.1 && !g.Decay && g.Names.Contains("visual.class_embedding"));
        Assert.Equal(named.Count, groups.Sum(g => g.Names.Count));
    }

    [Fact]
    public void Multiplier_WarmupThenCosine_FollowsOpenClipFormula()
    {
        var schedule = new WarmupCosineSchedule(warmupSteps: 4, totalSteps: 12);

        Assert.Equal(0.25, schedule.Multiplier(0), 12);
        Assert.Equal(1.0, schedule.Multiplier(3), 12);
        Assert.Equal(1.0, schedule.Multiplier(4), 12);
        Assert.Equal(0.5, schedule.Multiplier(8), 12);
        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI * 7 / 8)), schedule.Multiplier(11), 12);
    }
}
