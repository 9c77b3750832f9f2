using MultiModal.Training.Probe;

namespace MultiModal.Training.Tests.Probe;

public sealed class LinearProbeTests
{
    [Fact]
    public void Fit_ThreeGaussianClusters_ClassifiesHeldOutPointsCorrectly()
    {
        // Arrange: three well-separated clusters in 6-d, 20 points each for fitting and 10 each for evaluation.
        var (trainX, trainY) = Clusters(20, seed: 1);
        var (evalX, evalY) = Clusters(10, seed: 2);

        // Act
        using var probe = LinearProbe.Fit(trainX, trainY, classCount: 3, new LinearProbeOptions { Steps = 200, Lr = 0.05 });

        // Assert
        Assert.Equal(1.0, probe.Accuracy(trainX, trainY));
        Assert.Equal(1.0, probe.Accuracy(evalX, evalY));
        Assert.True(probe.FinalLoss < 0.5, $"loss {probe.FinalLoss}");
    }

    [Fact]
    public void Fit_LabelOutOfRange_ThrowsNamingTheSample()
    {
        float[][] x = [[1, 0], [0, 1]];

        var e = Assert.Throws<ArgumentException>(() => LinearProbe.Fit(x, [0, 5], classCount: 2));

        Assert.Contains("sample 1", e.Message);
    }

    private static (List<float[]> X, List<int> Y) Clusters(int perClass, int seed)
    {
        var random = new Random(seed);
        var x = new List<float[]>();
        var y = new List<int>();
        for (var c = 0; c < 3; c++)
        {
            for (var i = 0; i < perClass; i++)
            {
                var row = new float[6];
                for (var d = 0; d < 6; d++)
                {
                    row[d] = (float)((d == c * 2 ? 3.0 : 0.0) + ((random.NextDouble() - 0.5) * 0.8));
                }
                x.Add(row);
                y.Add(c);
            }
        }
        return (x, y);
    }
}
