using MultiModal.Encoders.Dual;
using MultiModal.Training.Config;
using MultiModal.Training.Losses;
using MultiModal.Training.Optim;
using MultiModal.Training.Tests.Helpers;
using TorchSharp;
using static TorchSharp.torch;

namespace MultiModal.Training.Tests.Optim;

public sealed class OptimisationParityTests
{
    [Fact]
    public void HeadsTraining_FiveSteps_MatchPyTorchLossesAndWeights()
    {
        // Arrange: generate.py's heads_training: AdamW with a decayed and a non-decayed group, cosine_lr with warmup,
        // clip_grad_norm_ and the logit_scale clamp. PyTorch stores the heads as [D, in] (x @ W.T); ours are [in, D].
        var r = Reference.Get("heads_training");
        int b = r.GetProperty("batch").GetInt32(), di = r.GetProperty("image_in").GetInt32(), dt = r.GetProperty("text_in").GetInt32(), d = r.GetProperty("dim").GetInt32();
        using var heads = DualProjectionHeads.Create(di, dt, d, seed: 0);
        using (no_grad())
        {
            heads.ImageProjection.copy_(tensor(Reference.Floats(r.GetProperty("init").GetProperty("image_proj")), [d, di]).t());
            heads.TextProjection.copy_(tensor(Reference.Floats(r.GetProperty("init").GetProperty("text_proj")), [d, dt]).t());
            heads.LogitScale.fill_(r.GetProperty("init").GetProperty("logit_scale").GetDouble());
        }
        var section = new OptimizerSection
        {
            Lr = r.GetProperty("lr").GetDouble(), WeightDecay = r.GetProperty("weight_decay").GetDouble(),
            Beta1 = r.GetProperty("beta1").GetDouble(), Beta2 = r.GetProperty("beta2").GetDouble(), Eps = r.GetProperty("eps").GetDouble(),
        };
        using var optimizer = new TrainingOptimizer(heads.named_parameters().Select(p => (p.name, p.parameter)).ToList(), section);
        var schedule = new WarmupCosineSchedule(r.GetProperty("warmup").GetInt32(), r.GetProperty("steps").GetInt32());
        using var imageFeatures = tensor(Reference.Floats(r.GetProperty("image_features")), [b, di]);
        using var textFeatures = tensor(Reference.Floats(r.GetProperty("text_features")), [b, dt]);
        using var loss = new ContrastiveLoss();
        var losses = new List<float>();
        var lrs = new List<double>();

        // Act
        for (var step = 0; step < schedule.TotalSteps; step++)
        {
            using var scope = NewDisposeScope();
            var lr = section.Lr * schedule.Multiplier(step);
            lrs.Add(lr);
            optimizer.SetLearningRate(lr);
            optimizer.ZeroGrad();
            using var output = loss.forward(
                nn.functional.normalize(heads.ProjectImage(imageFeatures), dim: -1), nn.functional.normalize(heads.ProjectText(textFeatures), dim: -1), heads.LogitScale);
            output.Total.backward();
            optimizer.ClipGradients(r.GetProperty("clip_norm").GetDouble());
            optimizer.Step();
            using (no_grad())
            {
                heads.LogitScale.clamp_(0, Math.Log(100));
            }
            losses.Add(output.Total.item<float>());
        }

        // Assert: float32 arithmetic in a different order (TorchSharp's managed AdamW, libtorch 2.10 kernels vs 1.13)
        // drifts by a few ulps per step; 2e-5 relative bounds five steps with margin.
        Assert.Equal(["image_projection", "text_projection"], optimizer.DecayedNames);
        var expectedLrs = r.GetProperty("lrs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var i = 0; i < expectedLrs.Length; i++)
        {
            Assert.Equal(expectedLrs[i], lrs[i], 12);
        }
        var expectedLosses = Reference.Floats(r.GetProperty("losses"));
        for (var i = 0; i < expectedLosses.Length; i++)
        {
            Assert.True(Math.Abs(expectedLosses[i] - losses[i]) <= 2e-5 * Math.Abs(expectedLosses[i]), $"step {i}: expected {expectedLosses[i]}, got {losses[i]}");
        }
        var final = r.GetProperty("final");
        AssertAll(Reference.Floats(final.GetProperty("image_proj")), heads.ImageProjection.detach().t().contiguous().data<float>().ToArray(), 2e-5f);
        AssertAll(Reference.Floats(final.GetProperty("text_proj")), heads.TextProjection.detach().t().contiguous().data<float>().ToArray(), 2e-5f);
        Assert.Equal(final.GetProperty("logit_scale").GetDouble(), heads.LogitScale.item<float>(), 4);
    }

    private static void AssertAll(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
