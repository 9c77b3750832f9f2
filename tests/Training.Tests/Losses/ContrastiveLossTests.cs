using System.Text.Json;
using MultiModal.Training.Losses;
using MultiModal.Training.Tests.Helpers;
using TorchSharp;
using static TorchSharp.torch;

namespace MultiModal.Training.Tests.Losses;

public sealed class ContrastiveLossTests
{
    public static TheoryData<string> Cases => ["random-4x8", "random-6x5-scale1", "clamped-5x16"];

    [Fact]
    public void Forward_OrthonormalPairsAtScaleOne_MatchesHandComputedValue()
    {
        // Arrange: two orthonormal pairs at scale exp(0) = 1, so each logits row is [1, 0] (matching pair first)
        // and each cross-entropy is -log(e / (e + 1)) = log(1 + e^-1).
        using var image = tensor(new float[] { 1, 0, 0, 1 }, [2, 2]);
        using var text = tensor(new float[] { 1, 0, 0, 1 }, [2, 2]);
        using var logitScale = tensor(0f);
        using var loss = new ContrastiveLoss();
        double expected = Math.Log(1 + Math.Exp(-1)); // 0.3132617

        // Act
        using var output = loss.forward(image, text, logitScale);

        // Assert
        Assert.Equal(expected, output.Total.item<float>(), 6);
        Assert.Equal(expected, output.ImageToText.item<float>(), 6);
        Assert.Equal(expected, output.TextToImage.item<float>(), 6);
        Assert.Equal(1f, output.LogitScale.item<float>());
        Assert.Equal(1f, output.ImageToTextAccuracy.item<float>());
    }

    [Fact]
    public void Forward_SwappedCaptions_AccuracyZeroAndLossAboveLogTwo()
    {
        // Arrange: text rows swapped, so every image's own caption is the orthogonal one.
        using var image = tensor(new float[] { 1, 0, 0, 1 }, [2, 2]);
        using var text = tensor(new float[] { 0, 1, 1, 0 }, [2, 2]);
        using var logitScale = tensor(MathF.Log(10f));
        using var loss = new ContrastiveLoss();

        // Act
        using var output = loss.forward(image, text, logitScale);

        // Assert: logits rows [0, 10] against label 0: CE = log(1 + e^10) ≈ 10.0000454.
        Assert.Equal(Math.Log(1 + Math.Exp(10)), output.Total.item<float>(), 4);
        Assert.Equal(0f, output.ImageToTextAccuracy.item<float>());
        Assert.Equal(0f, output.TextToImageAccuracy.item<float>());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_ReferenceCase_MatchesPyTorchLossAndGradients(string name)
    {
        // Arrange
        var c = Reference.Get("itc").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        int b = c.GetProperty("batch").GetInt32(), d = c.GetProperty("dim").GetInt32();
        using var image = tensor(Reference.Floats(c.GetProperty("image")), [b, d]).requires_grad_();
        using var text = tensor(Reference.Floats(c.GetProperty("text")), [b, d]).requires_grad_();
        using var logitScale = tensor((float)c.GetProperty("logit_scale").GetDouble()).requires_grad_();
        using var loss = new ContrastiveLoss();

        // Act
        using var output = loss.forward(nn.functional.normalize(image, dim: -1), nn.functional.normalize(text, dim: -1), logitScale);
        output.Total.backward();

        // Assert: float32 on both sides, different reduction orders: 1e-5 relative on the loss, 1e-5 absolute on gradients.
        AssertClose(c.GetProperty("total").GetDouble(), output.Total.item<float>(), 1e-5);
        AssertClose(c.GetProperty("image_to_text").GetDouble(), output.ImageToText.item<float>(), 1e-5);
        AssertClose(c.GetProperty("text_to_image").GetDouble(), output.TextToImage.item<float>(), 1e-5);
        AssertClose(c.GetProperty("scale").GetDouble(), output.LogitScale.item<float>(), 1e-6);
        Assert.Equal(c.GetProperty("accuracy_image_to_text").GetDouble(), output.ImageToTextAccuracy.item<float>(), 6);
        Assert.Equal(c.GetProperty("accuracy_text_to_image").GetDouble(), output.TextToImageAccuracy.item<float>(), 6);
        AssertAll(Reference.Floats(c.GetProperty("grad_image")), image.grad!.data<float>().ToArray(), 1e-5f);
        AssertAll(Reference.Floats(c.GetProperty("grad_text")), text.grad!.data<float>().ToArray(), 1e-5f);
        Assert.Equal(c.GetProperty("grad_logit_scale").GetDouble(), logitScale.grad!.item<float>(), 5);
    }

    [Fact]
    public void Forward_ScaleAboveHundred_ClampsToHundredWithoutGradient()
    {
        // Arrange
        using var image = nn.functional.normalize(randn(3, 4, generator: new Generator(1)), dim: -1);
        using var text = nn.functional.normalize(randn(3, 4, generator: new Generator(2)), dim: -1);
        using var logitScale = tensor(MathF.Log(500f)).requires_grad_();
        using var loss = new ContrastiveLoss();

        // Act
        using var output = loss.forward(image, text, logitScale);
        output.Total.backward();

        // Assert
        Assert.Equal(100f, output.LogitScale.item<float>(), 3);
        Assert.Equal(0f, logitScale.grad!.item<float>());
    }

    [Fact]
    public void Forward_MismatchedShapes_ThrowsArgumentException()
    {
        using var image = zeros(3, 4);
        using var text = zeros(2, 4);
        using var logitScale = tensor(0f);
        using var loss = new ContrastiveLoss();

        var e = Assert.Throws<ArgumentException>(() => loss.forward(image, text, logitScale));

        Assert.Contains("[3, 4]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
    }

    private static void AssertClose(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    private static void AssertAll(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
