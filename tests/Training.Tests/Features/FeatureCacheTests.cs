using MultiModal.Encoders.Dual;
using MultiModal.Training.Tests.Helpers;

namespace MultiModal.Training.Tests.Features;

public sealed class FeatureCacheTests
{
    [Fact]
    public void Run_SecondRunOnSameData_ReadsTheCacheWithoutCallingTheTowers()
    {
        // Arrange
        var dataset = new SyntheticClassDataset(32, TestConfigs.Classes, seed: 5);
        var image = new ByteStatsImageTower(12);
        var text = new TrigramTextTower(10);
        var environment = TestConfigs.DualEnvironment(dataset) with { Towers = new DualTowerFactory(_ => image, _ => text) };
        var dir = TestConfigs.TempDir("cache");
        float[] first;
        using (var trainer = Trainer.Create(TestConfigs.Dual(Path.Combine(dir, "a"), totalSteps: 2), environment))
        {
            first = [.. trainer.Run().Losses];
        }
        var cache = Directory.GetFiles(Path.Combine(dir, "a", "features")).Single();
        Directory.CreateDirectory(Path.Combine(dir, "b", "features"));
        File.Copy(cache, Path.Combine(dir, "b", "features", Path.GetFileName(cache)));
        int imageCalls = image.Calls, textCalls = text.Calls;

        // Act
        using var again = Trainer.Create(TestConfigs.Dual(Path.Combine(dir, "b"), totalSteps: 2), environment with { Towers = new DualTowerFactory(_ => image, _ => text) });
        var second = again.Run().Losses;

        // Assert
        Assert.Equal(imageCalls, image.Calls);
        Assert.Equal(textCalls, text.Calls);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Run_ChangedDataset_RecomputesUnderANewKey()
    {
        var dir = TestConfigs.TempDir("stale");
        using (var trainer = Trainer.Create(TestConfigs.Dual(dir, totalSteps: 1), TestConfigs.DualEnvironment(new SyntheticClassDataset(32, TestConfigs.Classes, seed: 5))))
        {
            trainer.Run();
        }
        var image = new ByteStatsImageTower(12);
        var env = TestConfigs.DualEnvironment(new SyntheticClassDataset(32, TestConfigs.Classes, seed: 6, withCaptions: true)) with
        {
            Towers = new DualTowerFactory(_ => image, _ => new TrigramTextTower(10)),
        };
        var resumeDir = dir + "-b";
        Directory.CreateDirectory(resumeDir);
        CopyFolder(Path.Combine(dir, "features"), Path.Combine(resumeDir, "features"));

        using var trainer2 = Trainer.Create(TestConfigs.Dual(resumeDir, totalSteps: 1), env);
        trainer2.Run();

        Assert.True(image.Calls > 0);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(resumeDir, "features")).Length);
    }

    [Fact]
    public void Run_HeldOutClass_IsLeftOutOfTheCachedRows()
    {
        var dir = TestConfigs.TempDir("heldout");
        var config = TestConfigs.Dual(dir, totalSteps: 1);
        config = config with { Data = config.Data with { HeldOutClasses = ["dog"] } };
        using var trainer = Trainer.Create(config, TestConfigs.DualEnvironment());

        trainer.Run();

        var table = MultiModal.Training.Features.FeatureCache.LoadOrBuild(Path.Combine(dir, "features"), new SyntheticClassDataset(32, TestConfigs.Classes, seed: 5),
            new ByteStatsImageTower(12), "test-bytes", new TrigramTextTower(10), "test-trigram", config.Data.Templates, ["dog"], null, default);
        Assert.Equal(24, table.Count);
        Assert.DoesNotContain(table.SampleIndex, i => i % 4 == 1);
        Assert.Equal(2 * 24, table.CaptionStart[^1]);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from))
        {
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        }
    }
}
