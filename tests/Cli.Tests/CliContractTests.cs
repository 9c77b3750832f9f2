using MultiModal.Encoders;
using MultiModal.Encoders.IO;

namespace MultiModal.Cli.Tests;

/// <summary>The CLI contract that acceptance checks rely on: JSON shapes, orders, values and exit codes.</summary>
public sealed class CliContractTests : CliTestBase
{
    [Fact]
    public void Embed_ImagesAndTexts_JsonInOrderWithUnitVectorsMatchingLibrary()
    {
        var result = Run("embed", "--model", HfModel, "--image", Image("fruits.jpg"), "--image", Image("camera.png"),
            "--text", "a bowl of fruit", "--text", "a man with a camera", "--batch-size", "1");

        Assert.Equal(0, result.ExitCode);
        var json = result.Json;
        Assert.Equal("tiny-quickgelu-hf", json.GetProperty("model").GetString());
        Assert.Equal(32, json.GetProperty("dim").GetInt32());
        var images = json.GetProperty("images").EnumerateArray().ToList();
        var texts = json.GetProperty("texts").EnumerateArray().ToList();
        Assert.Equal([Image("fruits.jpg"), Image("camera.png")], images.Select(i => i.GetProperty("path").GetString()));
        Assert.Equal(["a bowl of fruit", "a man with a camera"], texts.Select(t => t.GetProperty("text").GetString()));
        using var model = ClipModel.Load(HfModel);
        var expectedText = model.EncodeTexts(["a bowl of fruit", "a man with a camera"]);
        var expectedImage = model.EncodeImages([Image("fruits.jpg"), Image("camera.png")]);
        for (var i = 0; i < 2; i++)
        {
            var t = texts[i].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            var v = images[i].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            Assert.Equal(expectedText[i], t);
            Assert.Equal(expectedImage[i], v);
            Assert.InRange(Math.Sqrt(v.Sum(x => (double)x * x)), 0.99999, 1.00001);
        }
    }

    [Fact]
    public void Embed_TextOnly_EmptyImagesArray()
    {
        var result = Run("embed", "--model", OpenClipModel, "--tokenizer", Vocabulary, "--text", "hello");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Json.GetProperty("images").EnumerateArray());
        Assert.Equal(24, result.Json.GetProperty("texts")[0].GetProperty("embedding").GetArrayLength());
    }

    [Fact]
    public void Embed_CorruptImage_ExitOneNamingFile()
    {
        var result = Run("embed", "--model", HfModel, "--image", Image("truncated.jpg"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("truncated.jpg", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData("embed")]
    [InlineData("embed", "--model")]
    [InlineData("frobnicate")]
    [InlineData("embed", "--text", "x")]
    [InlineData("embed", "--model", "M", "--imgae", "x.jpg")]
    [InlineData("embed", "--model", "M", "--batch-size", "0", "--text", "x")]
    public void Run_UsageErrors_ExitTwo(params string[] args)
    {
        var result = Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("mm: ", result.Stderr);
    }

    [Fact]
    public void Embed_MissingModelFolder_ExitOne()
    {
        var result = Run("embed", "--model", Path.Combine(Fixtures, "no-such-model"), "--text", "x");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no-such-model", result.Stderr);
    }

    [Fact]
    public void Embed_CudaWithoutDevice_ExitTwoWithReason()
    {
        if (TorchSharp.torch.cuda.is_available())
        {
            return; // the contract under test is the CPU-only machine's error path
        }
        var result = Run("embed", "--model", HfModel, "--text", "x", "--device", "cuda");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("CUDA", result.Stderr);
    }

    [Fact]
    public void Tokenize_ReferenceText_MatchesOpenClipRow()
    {
        var result = Run("tokenize", "--model", HfModel, "a bowl of soup running across a green field", "New York City sitting on the beach");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(77, result.Json.GetProperty("context_length").GetInt32());
        var rows = result.Json.GetProperty("tokens").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetInt64()).ToArray()).ToList();
        Assert.Equal(2, rows.Count);
        // From ../shared/reference/clip-tokenizer-cases.jsonl (OpenCLIP's tokenizer).
        Assert.Equal([49406, 320, 3814, 539, 7077, 2761, 2500, 320, 1901, 1570, 49407, 0], rows[0][..12]);
        Assert.Equal([49406, 686, 2705, 1305, 4919, 525, 518, 2117, 49407, 0], rows[1][..10]);
        Assert.All(rows, r => Assert.Equal(77, r.Length));
    }

    [Fact]
    public void Preprocess_Photo_WritesNpyEqualToLibrary()
    {
        var output = Path.Combine(Path.GetTempPath(), $"mm-pre-{Guid.NewGuid():N}.npy");
        try
        {
            var result = Run("preprocess", "--model", HfModel, "--image", Image("chelsea.png"), "--out", output);

            Assert.Equal(0, result.ExitCode);
            var (data, shape) = NpyFile.ReadFloat32(output);
            Assert.Equal([3L, 224, 224], shape);
            using var model = ClipModel.Load(HfModel);
            Assert.Equal(model.Preprocessor.Preprocess(Image("chelsea.png")), data);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void Info_Json_ReportsTowersAndActivation()
    {
        var result = Run("info", "--model", HfModel, "--json");

        Assert.Equal(0, result.ExitCode);
        var json = result.Json;
        Assert.Equal("quick_gelu", json.GetProperty("activation").GetString());
        Assert.Equal(224, json.GetProperty("image_size").GetInt32());
        Assert.Equal(32, json.GetProperty("embed_dim").GetInt32());
        long vision = json.GetProperty("vision_parameters").GetInt64(), text = json.GetProperty("text_parameters").GetInt64();
        Assert.Equal(vision + text + 1, json.GetProperty("total_parameters").GetInt64()); // + logit_scale
        // Text tower: 49408×32 token embedding dominates; vision: conv 64·3·32·32 = 196,608 plus blocks.
        Assert.True(text > 49408 * 32 && vision > 196_608);
    }

    [Fact]
    public void Info_Text_NamesActivationAndSizes()
    {
        var result = Run("info", "--model", OpenClipModel, "--tokenizer", Vocabulary);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("activation:    gelu", result.Stdout);
        Assert.Contains("image size:    224", result.Stdout);
        Assert.Contains("embed dim:     24", result.Stdout);
    }

    [Fact]
    public void Process_EmbedAndBadCommand_RealExitCodes()
    {
        var ok = RunProcess(null, "embed", "--model", HfModel, "--text", "a cat");
        var bad = RunProcess(null, "nope");

        Assert.Equal(0, ok.Code);
        Assert.Contains("\"dim\":32", ok.Stdout);
        Assert.Equal(2, bad.Code);
        Assert.Contains("Unknown command", bad.Stderr);
    }

    [Fact]
    public void Info_OnnxExportModel_ExitTwoSayingItNeedsACheckpoint()
    {
        // tokenize, preprocess and info read the CLIP checkpoint's own tokenizer and preprocessing.
        var r = Run("info", "--model", Path.Combine(Fixtures, "onnx", "clip-split"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("OnnxClip", r.Stderr);
        Assert.Contains("CLIP checkpoint", r.Stderr);
    }
}
