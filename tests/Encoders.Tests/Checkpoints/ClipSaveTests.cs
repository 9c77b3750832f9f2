using MultiModal.Encoders.Tests.Models;

namespace MultiModal.Encoders.Tests.Checkpoints;

/// <summary>The library's own format round-trips exactly, and saving replaces a folder atomically.</summary>
public sealed class ClipSaveTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mm-save-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("tiny-quickgelu-hf")]
    [InlineData("tiny-gelu-openclip")]
    public void Save_ThenLoad_IdenticalWeightsConfigAndEmbeddings(string folder)
    {
        using var original = ClipParityTests.LoadFixture(folder);
        var target = Path.Combine(_dir, "saved");

        original.Save(target);
        using var reloaded = ClipModel.Load(target);

        Assert.Equal(CheckpointLayout.MultiModal, reloaded.SourceLayout);
        Assert.Equal(original.Config, reloaded.Config);
        Assert.Equal(original.PreprocessOptions.Mean, reloaded.PreprocessOptions.Mean);
        Assert.Equal(original.PreprocessOptions.Std, reloaded.PreprocessOptions.Std);
        var a = original.Network.state_dict();
        var b = reloaded.Network.state_dict();
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var key in a.Keys)
        {
            Assert.True(a[key].eq(b[key]).all().item<bool>(), key);
        }
        string[] texts = ["a photo of a cat", "two dogs"];
        Assert.Equal(original.EncodeTexts(texts), reloaded.EncodeTexts(texts));
    }

    [Fact]
    public void Save_OverItsOwnEarlierSave_ReplacesItAndLeavesNoTemporaries()
    {
        using var model = ClipParityTests.LoadFixture("tiny-gelu-hf");
        var target = Path.Combine(_dir, "m");
        model.Save(target);
        File.Delete(Path.Combine(target, "multimodal_config.json"));

        model.Save(target);

        Assert.True(File.Exists(Path.Combine(target, "multimodal_config.json")));
        Assert.Equal(["m"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_OverAFolderWithFilesItDidNotWrite_RefusedAndNothingLost()
    {
        using var model = ClipParityTests.LoadFixture("tiny-gelu-hf");
        var target = Path.Combine(_dir, "m");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "notes.txt"), "mine");

        var error = Assert.Throws<MultiModal.Encoders.IO.OutputPathException>(() => model.Save(target));

        Assert.Contains("notes.txt", error.Message);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(target, "notes.txt")));
        Assert.Equal(["m"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }
}
