using MultiModal.Encoders.Onnx;

namespace MultiModal.Encoders.Tests.Onnx;

/// <summary>Bad ONNX CLIP folders fail with exceptions that name the file and the problem.</summary>
public sealed class OnnxClipLoadFailureTests
{
    private static string Split(string file) => Path.Combine(OnnxFixtures.ClipSplit, file);

    private static OnnxClipLoadOptions Options => new() { TokenizerPath = OnnxFixtures.TinyHf };

    [Fact]
    public void Load_MissingFolder_ThrowsDirectoryNotFound()
    {
        // Arrange
        var missing = Path.Combine(OnnxFixtures.Root, "no-such-folder");

        // Act
        var e = Assert.Throws<DirectoryNotFoundException>(() => OnnxClipModel.Load(missing, Options));

        // Assert
        Assert.Contains("no-such-folder", e.Message);
    }

    [Fact]
    public void Load_FolderWithoutOnnxFiles_NamesExpectedFiles()
    {
        // Arrange
        using var folder = OnnxFixtures.Folder((Split("config.json"), "config.json"));

        // Act
        var e = Assert.Throws<FileNotFoundException>(() => OnnxClipModel.Load(folder.Path, Options));

        // Assert
        Assert.Contains("vision_model.onnx", e.Message);
        Assert.Contains("model.onnx", e.Message);
    }

    [Fact]
    public void Load_TextTowerMissing_NamesTheMissingFile()
    {
        // Arrange
        using var folder = OnnxFixtures.Folder((Split("config.json"), "config.json"), (Split("vision_model.onnx"), "vision_model.onnx"));

        // Act
        var e = Assert.Throws<FileNotFoundException>(() => OnnxClipModel.Load(folder.Path, Options));

        // Assert
        Assert.Equal(Path.Combine(folder.Path, "text_model.onnx"), e.FileName);
        Assert.Contains("text_model.onnx", e.Message);
    }

    [Fact]
    public void Load_MissingConfig_NamesConfigJson()
    {
        // Arrange
        using var folder = OnnxFixtures.Folder((Split("vision_model.onnx"), "vision_model.onnx"), (Split("text_model.onnx"), "text_model.onnx"));

        // Act
        var e = Assert.Throws<FileNotFoundException>(() => OnnxClipModel.Load(folder.Path, Options));

        // Assert
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void Load_CorruptVisionModel_NamesTheFile()
    {
        // Arrange: the first 4 KiB of a real export, then garbage
        using var folder = OnnxFixtures.Folder((Split("config.json"), "config.json"), (Split("text_model.onnx"), "text_model.onnx"));
        var corrupt = Path.Combine(folder.Path, "vision_model.onnx");
        var bytes = File.ReadAllBytes(Split("vision_model.onnx"))[..4096];
        new Random(7).NextBytes(bytes.AsSpan(64));
        File.WriteAllBytes(corrupt, bytes);

        // Act
        var e = Assert.Throws<OnnxModelException>(() => OnnxClipModel.Load(folder.Path, Options));

        // Assert
        Assert.Equal(corrupt, e.ModelPath);
        Assert.Contains(corrupt, e.Message);
        Assert.Contains("not a loadable ONNX model", e.Message);
    }

    [Fact]
    public void Load_EmptyOnnxFile_NamesTheFile()
    {
        // Arrange
        using var folder = OnnxFixtures.Folder((Split("config.json"), "config.json"), (Split("vision_model.onnx"), "vision_model.onnx"));
        var empty = Path.Combine(folder.Path, "text_model.onnx");
        File.WriteAllBytes(empty, []);

        // Act
        var e = Assert.Throws<OnnxModelException>(() => OnnxClipModel.Load(folder.Path, Options));

        // Assert
        Assert.Equal(empty, e.ModelPath);
    }

    [Fact]
    public void Load_GraphWithOtherInputNames_ListsTheModelsInputs()
    {
        // Arrange
        using var folder = OnnxFixtures.Folder((Split("config.json"), "config.json"),
            (Path.Combine(OnnxFixtures.Bad("wrong-inputs"), "vision_model.onnx"), "vision_model.onnx"), (Split("text_model.onnx"), "text_model.onnx"));

        // Act
        var e = Assert.Throws<OnnxModelException>(() => OnnxClipModel.Load(folder.Path, Options));

        // Assert
        Assert.EndsWith("vision_model.onnx", e.ModelPath);
        Assert.Contains("no input 'pixel_values'", e.Message);
        Assert.Contains("images: Float [b, 3, 224, 224]", e.Message);
    }

    [Fact]
    public void Load_TextGraphWithOtherInputNames_ListsTheModelsInputs()
    {
        // Arrange
        using var folder = OnnxFixtures.Folder((Split("config.json"), "config.json"),
            (Split("vision_model.onnx"), "vision_model.onnx"), (Path.Combine(OnnxFixtures.Bad("wrong-inputs"), "text_model.onnx"), "text_model.onnx"));

        // Act
        var e = Assert.Throws<OnnxModelException>(() => OnnxClipModel.Load(folder.Path, Options));

        // Assert
        Assert.EndsWith("text_model.onnx", e.ModelPath);
        Assert.Contains("no input 'input_ids'", e.Message);
        Assert.Contains("tokens: Int64 [b, 77]", e.Message);
    }

    [Fact]
    public void Load_EmbeddingWidthDisagreesWithConfig_NamesBothWidths()
    {
        // Arrange
        using var folder = OnnxFixtures.Folder((Split("config.json"), "config.json"),
            (Path.Combine(OnnxFixtures.Bad("wrong-dims"), "vision_model.onnx"), "vision_model.onnx"), (Split("text_model.onnx"), "text_model.onnx"));

        // Act
        var e = Assert.Throws<OnnxModelException>(() => OnnxClipModel.Load(folder.Path, Options));

        // Assert
        Assert.EndsWith("vision_model.onnx", e.ModelPath);
        Assert.Contains("width 3", e.Message);
        Assert.Contains("projection_dim) is 32", e.Message);
    }

    [Fact]
    public void Load_VisionGraphWithoutProjection_ExplainsImageEmbedsAreNeeded()
    {
        // Arrange
        using var folder = OnnxFixtures.Folder((Split("config.json"), "config.json"),
            (Path.Combine(OnnxFixtures.Bad("no-projection"), "vision_model.onnx"), "vision_model.onnx"), (Split("text_model.onnx"), "text_model.onnx"));

        // Act
        var e = Assert.Throws<OnnxModelException>(() => OnnxClipModel.Load(folder.Path, Options));

        // Assert
        Assert.Contains("no float output 'image_embeds'", e.Message);
        Assert.Contains("pooler_output: Float [b, 3]", e.Message);
        Assert.Contains("projected embeddings", e.Message);
    }

    [Fact]
    public void Load_MalformedImageStd_FormatExceptionNamingFileAndField()
    {
        // Arrange: before, a std that is not a list was silently replaced by CLIP's default.
        using var folder = SplitCopy();
        var preprocessor = Path.Combine(folder.Path, "preprocessor_config.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(preprocessor))!.AsObject();
        json["image_std"] = "0.26862954";
        File.WriteAllText(preprocessor, json.ToJsonString());

        // Act
        var e = Assert.Throws<FormatException>(() => OnnxClipModel.Load(folder.Path, Options));

        // Assert
        Assert.Contains(preprocessor, e.Message);
        Assert.Contains("image_std", e.Message);
    }

    [Fact]
    public void Load_VisionConfigNotAnObject_FormatExceptionNamingFileAndField()
    {
        // Arrange: before, the tower's image_size silently fell back to 224.
        using var folder = SplitCopy();
        var config = Path.Combine(folder.Path, "config.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        json["vision_config"] = "clip_vision_model";
        File.WriteAllText(config, json.ToJsonString());

        // Act
        var e = Assert.Throws<FormatException>(() => OnnxClipModel.Load(folder.Path, Options));

        // Assert
        Assert.Contains(config, e.Message);
        Assert.Contains("vision_config", e.Message);
    }

    private static TempFolder SplitCopy() => OnnxFixtures.Folder(
        (Split("config.json"), "config.json"), (Split("preprocessor_config.json"), "preprocessor_config.json"),
        (Split("vision_model.onnx"), "vision_model.onnx"), (Split("text_model.onnx"), "text_model.onnx"));

    [Fact]
    public void Load_CudaProviderOnCpuBuild_ThrowsProviderUnavailableWithHowTo()
    {
        // Arrange: this machine has the CPU build of ONNX Runtime and no CUDA libraries.
        var options = Options with { Session = new OnnxSessionOptions { ExecutionProvider = OnnxExecutionProvider.Cuda } };

        // Act
        var e = Assert.Throws<OnnxProviderUnavailableException>(() => OnnxClipModel.Load(OnnxFixtures.ClipSplit, options));

        // Assert
        Assert.Equal(OnnxExecutionProvider.Cuda, e.Provider);
        Assert.Contains("-p:MultiModalOnnxBackend=cuda", e.Message);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", e.Message);
        Assert.Contains("libcudnn.so.9", e.Message);
        Assert.NotNull(e.InnerException);
    }

    [Theory]
    [InlineData(-1, 0, "IntraOpThreads")]
    [InlineData(0, -1, "DeviceId")]
    public void Validate_OutOfRange_NamesTheField(int threads, int device, string field)
    {
        // Arrange
        var options = new OnnxSessionOptions { IntraOpThreads = threads, DeviceId = device };

        // Act
        var e = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        // Assert
        Assert.Equal(field, e.ParamName);
    }

    [Fact]
    public void Validate_NonPositiveLogitScale_NamesTheField()
    {
        // Arrange
        var options = new OnnxClipLoadOptions { LogitScale = 0f };

        // Act
        var e = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        // Assert
        Assert.Equal(nameof(OnnxClipLoadOptions.LogitScale), e.ParamName);
    }
}
