using MultiModal.Index.ZeroShot;

namespace MultiModal.Index.Tests.ZeroShot;

public sealed class ZeroShotWeightsTests
{
    // Hand-computed values are exact up to float rounding of the final cast.
    private const float Tolerance = 1e-6f;

    [Fact]
    public void Build_TwoOrthogonalPrompts_AverageThenRenormalise()
    {
        // normalise([2,0]) = [1,0], normalise([0,3]) = [0,1]; mean [0.5,0.5]; renormalised [1/√2, 1/√2].
        var weights = ZeroShotWeights.Build([[[2f, 0f], [0f, 3f]]]);

        Assert.Single(weights);
        Assert.Equal(1 / MathF.Sqrt(2), weights[0][0], Tolerance);
        Assert.Equal(1 / MathF.Sqrt(2), weights[0][1], Tolerance);
    }

    [Fact]
    public void Build_NormalisesEachPromptBeforeAveraging_LongVectorDoesNotDominate()
    {
        // [10,0] → [1,0]; [0.6,0.8] stays; mean [0.8,0.4]; norm √0.8; → [0.8/√0.8, 0.4/√0.8] = [2/√5, 1/√5].
        var weights = ZeroShotWeights.Build([[[10f, 0f], [0.6f, 0.8f]]]);

        Assert.Equal(2 / MathF.Sqrt(5), weights[0][0], Tolerance);
        Assert.Equal(1 / MathF.Sqrt(5), weights[0][1], Tolerance);
    }

    [Fact]
    public void Build_SeveralClasses_OneUnitRowPerClassInOrder()
    {
        var weights = ZeroShotWeights.Build([[[3f, 4f]], [[0f, -5f]], [[1f, 1f], [1f, -1f], [1f, 0f]]]);

        Assert.Equal(3, weights.Length);
        Assert.Equal([0.6f, 0.8f], weights[0]);
        Assert.Equal([0f, -1f], weights[1]);
        // [1/√2,1/√2] + [1/√2,-1/√2] + [1,0] → x only.
        Assert.Equal(1f, weights[2][0], Tolerance);
        Assert.Equal(0f, weights[2][1], Tolerance);
    }

    [Fact]
    public void Build_OppositePrompts_ThrowsNamingClass()
    {
        var e = Assert.Throws<ArgumentException>(() => ZeroShotWeights.Build([[[1f, 0f]], [[1f, 0f], [-2f, 0f]]]));

        Assert.Contains("Class 1", e.Message);
    }

    [Fact]
    public void Build_BadInputs_Throw()
    {
        Assert.Throws<ArgumentException>(() => ZeroShotWeights.Build([]));
        Assert.Throws<ArgumentException>(() => ZeroShotWeights.Build([[]]));
        Assert.Contains("prompt 1", Assert.Throws<ArgumentException>(() => ZeroShotWeights.Build([[[1f, 0f], [1f, 0f, 0f]]])).Message);
        Assert.Contains("norm", Assert.Throws<ArgumentException>(() => ZeroShotWeights.Build([[[0f, 0f]]])).Message);
        Assert.Throws<ArgumentException>(() => ZeroShotWeights.Build([[[float.NaN, 1f]]]));
    }

    [Fact]
    public void Softmax_ScaledCosine_MatchesHandComputed()
    {
        // Image [2,0] → cos = [1, 0, 0.6]; logits ×10 = [10, 0, 6]; softmax = e^{l}/Σ.
        float[][] weights = [[1f, 0f], [0f, 1f], [0.6f, 0.8f]];
        double z = Math.Exp(10) + Math.Exp(0) + Math.Exp(6);

        var p = ZeroShotWeights.Softmax([2f, 0f], weights, 10f);

        Assert.Equal((float)(Math.Exp(10) / z), p[0], Tolerance);
        Assert.Equal((float)(1 / z), p[1], Tolerance);
        Assert.Equal((float)(Math.Exp(6) / z), p[2], Tolerance);
    }

    [Fact]
    public void Softmax_LargeScale_NoOverflow()
    {
        // exp(1000) overflows a double; subtracting the maximum keeps it finite: p = [1/(1+e^-1000·…)] ≈ [1, 0].
        var p = ZeroShotWeights.Softmax([1f, 0f], [[1f, 0f], [0f, 1f]], 1000f);

        Assert.Equal(1f, p[0]);
        Assert.Equal(0f, p[1]);
    }

    [Fact]
    public void Softmax_ZeroImageOrWidthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => ZeroShotWeights.Softmax([0f, 0f], [[1f, 0f]], 100f));
        Assert.Throws<ArgumentException>(() => ZeroShotWeights.Softmax([1f, 0f, 0f], [[1f, 0f]], 100f));
    }
}
