using System.Text.Json.Nodes;
using MultiModal.Encoders.Checkpoints;
using MultiModal.Encoders.Tests.Models;
using TorchSharp;

namespace MultiModal.Encoders.Tests.Checkpoints;

/// <summary>
/// A config that declares a far larger model than its weights file holds must fail from the file's header, before the
/// network (or any tensor) exists. Before the fix, vision width 10^6 allocated 4.6 GB and died in libtorch with an
/// ExternalException after 47 s; width 4096 allocated 2.5 GB for 23 s before the shape mismatch was reported.
/// </summary>
public sealed class ClipLoadHugeConfigTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mm-huge-" + Guid.NewGuid().ToString("N"));

    public ClipLoadHugeConfigTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<CheckpointLayout, int, string> HugeWidths => new()
    {
        { CheckpointLayout.HuggingFace, 1_000_000, "vision_model.embeddings.patch_embedding.weight: file [48, 3, 16, 16] vs model [1000000, 3, 16, 16]" },
        { CheckpointLayout.HuggingFace, 4096, "vision_model.embeddings.patch_embedding.weight: file [48, 3, 16, 16] vs model [4096, 3, 16, 16]" },
        { CheckpointLayout.OpenClip, 1_000_000, "visual.conv1.weight: file [48, 3, 16, 16] vs model [1000000, 3, 16, 16]" },
        { CheckpointLayout.MultiModal, 1_000_000, "visual.conv1.weight: file [48, 3, 16, 16] vs model [1000000, 3, 16, 16]" },
    };

    [Theory]
    [MemberData(nameof(HugeWidths))]
    public void Load_ConfigDeclaringHugeVisionWidth_FailsFromTheHeaderWithoutCreatingATensor(CheckpointLayout layout, int width, string expected)
    {
        // Arrange
        var (dir, weights) = CopyFixture(layout, vision => SetVisionWidth(layout, vision, width), _ => { });
        var tensorsBefore = TensorsCreatedOnThisThread();
        var bytesBefore = GC.GetAllocatedBytesForCurrentThread();

        // Act
        var e = Assert.Throws<CheckpointMismatchException>(() => ClipModel.Load(dir, new ClipLoadOptions { TokenizerPath = TestPaths.ClipVocabulary }));

        // Assert: libtorch allocates natively, so "nothing built" is shown by the thread's tensor count (parameters of a
        // module under construction count too); the managed side by the thread's allocated bytes.
        var managed = GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
        Assert.Equal(0, TensorsCreatedOnThisThread() - tensorsBefore);
        Assert.InRange(managed, 0, 2 << 20);
        Assert.Equal(weights, e.FilePath);
        Assert.Contains(weights, e.Message);
        Assert.Contains(expected, e.Misshaped);
        Assert.Empty(e.Missing);
        Assert.Empty(e.Unexpected);
    }

    [Fact]
    public void Load_ConfigDeclaringThousandsOfLayers_ReportsCountsWithoutListingOrBuilding()
    {
        var (dir, weights) = CopyFixture(CheckpointLayout.OpenClip, _ => { }, text => text["layers"] = 5000);
        var tensorsBefore = TensorsCreatedOnThisThread();

        var e = Assert.Throws<CheckpointMismatchException>(() => ClipModel.Load(dir, new ClipLoadOptions { TokenizerPath = TestPaths.ClipVocabulary }));

        Assert.Equal(0, TensorsCreatedOnThisThread() - tensorsBefore);
        Assert.Equal(weights, e.FilePath);
        Assert.Contains("60,050 tensors", e.Message);
        Assert.Contains("5,000 text layers", e.Message);
        Assert.Empty(e.Missing);
    }

    private static long TensorsCreatedOnThisThread()
    {
        var stats = DisposeScopeManager.Statistics;
        return stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount;
    }

    private static void SetVisionWidth(CheckpointLayout layout, JsonObject vision, int width)
    {
        if (layout == CheckpointLayout.HuggingFace)
        {
            vision["hidden_size"] = width;
            vision["num_attention_heads"] = 4;
            vision["intermediate_size"] = 4 * width;
        }
        else
        {
            vision["width"] = width;
        }
    }

    /// <summary>A copy of the tiny GELU model in <paramref name="layout"/> with its tower configs edited; returns the folder and its weights file.</summary>
    private (string Dir, string Weights) CopyFixture(CheckpointLayout layout, Action<JsonObject> editVision, Action<JsonObject> editText)
    {
        var dir = Path.Combine(_dir, layout.ToString());
        string configFile;
        string weights;
        if (layout == CheckpointLayout.MultiModal)
        {
            using (var model = ClipModel.Load(ClipReference.ModelDir("tiny-gelu-hf")))
            {
                model.Save(dir);
            }
            (configFile, weights) = ("multimodal_config.json", "model.safetensors");
        }
        else
        {
            var source = ClipReference.ModelDir(layout == CheckpointLayout.HuggingFace ? "tiny-gelu-hf" : "tiny-gelu-openclip");
            Directory.CreateDirectory(dir);
            foreach (var file in Directory.GetFiles(source))
            {
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            }
            (configFile, weights) = layout == CheckpointLayout.HuggingFace
                ? ("config.json", "model.safetensors")
                : ("open_clip_config.json", "open_clip_model.safetensors");
        }
        var path = Path.Combine(dir, configFile);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var towers = layout == CheckpointLayout.HuggingFace ? root : root["model_cfg"]!.AsObject();
        editVision(towers[layout == CheckpointLayout.HuggingFace ? "vision_config" : "vision_cfg"]!.AsObject());
        editText(towers[layout == CheckpointLayout.HuggingFace ? "text_config" : "text_cfg"]!.AsObject());
        File.WriteAllText(path, root.ToJsonString());
        return (dir, Path.GetFullPath(Path.Combine(dir, weights)));
    }
}
