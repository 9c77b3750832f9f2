using MultiModal.Training.Config;

namespace MultiModal.Training.Tests.Config;

public sealed class TrainingConfigTests
{
    private const string Valid = """
        {
          "data": {"train": ["imagefolder:/data/pets/train"], "eval": ["imagefolder:/data/pets/test"], "templates": ["a photo of a {}."], "held_out_classes": ["pug"]},
          "model": {"kind": "dual", "image_tower": "onnx-resnet18", "text_tower": "onnx-minilm-l6", "embed_dim": 256},
          "mode": "lit",
          "optimizer": {"lr": 0.001, "weight_decay": 0.1, "beta1": 0.9, "beta2": 0.98, "eps": 1e-6, "lr_multipliers": {"visual.": 0.1}},
          "schedule": {"warmup_steps": 10, "epochs": 5},
          "batch_size": 64, "accumulation_steps": 2, "clip_grad_norm": 1.0, "seed": 7,
          "output_dir": "runs/pets", "checkpoint_every": 100, "log_every": 5
        }
        """;

    [Fact]
    public void Parse_FullConfig_ReadsEveryField()
    {
        var c = TrainingConfig.Parse(Valid, "test.json");

        Assert.Equal(["imagefolder:/data/pets/train"], c.Data.Train);
        Assert.Equal(["pug"], c.Data.HeldOutClasses);
        Assert.Equal(ModelKind.Dual, c.Model.Kind);
        Assert.Equal("onnx-minilm-l6", c.Model.TextTower);
        Assert.Equal(TrainingMode.Lit, c.Mode);
        Assert.Equal(0.1, c.Optimizer.LrMultipliers["visual."]);
        Assert.Equal(5, c.Schedule.Epochs);
        Assert.Equal(2, c.AccumulationSteps);
        Assert.Equal(7, c.Seed);
        Assert.Equal(5, c.LogEvery);
    }

    [Fact]
    public void ToJson_RoundTrip_GivesAnEqualConfig()
    {
        var c = TrainingConfig.Parse(Valid, "test.json");

        var again = TrainingConfig.Parse(c.ToJson(), "again.json");

        Assert.Equal(c.ToJson(), again.ToJson());
        Assert.Contains("\"lit\"", c.ToJson());
    }

    [Fact]
    public void Parse_LinearProbeMode_ReadsKebabCase()
    {
        var c = TrainingConfig.Parse(Valid.Replace("\"lit\"", "\"linear-probe\""), "probe.json");

        Assert.Equal(TrainingMode.LinearProbe, c.Mode);
    }

    [Fact]
    public void Parse_UnknownField_ThrowsFormatExceptionNamingFileAndField()
    {
        var e = Assert.Throws<FormatException>(() => TrainingConfig.Parse(Valid.Replace("\"lr\": 0.001", "\"lr\": 0.001, \"learning_rate\": 1"), "bad.json"));

        Assert.Contains("bad.json", e.Message);
        Assert.Contains("learning_rate", e.Message);
    }

    [Fact]
    public void Parse_WrongType_ThrowsFormatExceptionWithPath()
    {
        var e = Assert.Throws<FormatException>(() => TrainingConfig.Parse(Valid.Replace("\"batch_size\": 64", "\"batch_size\": \"big\""), "bad.json"));

        Assert.Contains("batch_size", e.Message);
    }

    [Theory]
    [InlineData("\"batch_size\": 64", "\"batch_size\": 1", "batch_size")]
    [InlineData("\"lr\": 0.001", "\"lr\": -1", "optimizer.lr")]
    [InlineData("\"beta2\": 0.98", "\"beta2\": 1.0", "optimizer.beta2")]
    [InlineData("\"epochs\": 5", "\"epochs\": 5, \"total_steps\": 10", "schedule.total_steps")]
    [InlineData("\"mode\": \"lit\"", "\"mode\": \"full\"", "mode")]
    [InlineData("\"text_tower\": \"onnx-minilm-l6\",", "", "model.text_tower")]
    [InlineData("\"output_dir\": \"runs/pets\"", "\"output_dir\": \"\"", "output_dir")]
    [InlineData("\"templates\": [\"a photo of a {}.\"]", "\"templates\": [\"a photo\"]", "data.templates")]
    [InlineData("\"accumulation_steps\": 2", "\"accumulation_steps\": 0", "accumulation_steps")]
    public void Parse_InvalidValue_ThrowsNamingTheField(string from, string to, string field)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TrainingConfig.Parse(Valid.Replace(from, to), "bad.json"));

        Assert.Equal(field, e.ParamName);
        Assert.Contains("bad.json", e.Message);
    }

    [Fact]
    public void Parse_UnknownMode_ThrowsFormatException()
    {
        var e = Assert.Throws<FormatException>(() => TrainingConfig.Parse(Valid.Replace("\"lit\"", "\"frozen\""), "bad.json"));

        Assert.Contains("mode", e.Message);
    }
}
