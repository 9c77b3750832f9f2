namespace MultiModal.Cli.Tests;

/// <summary><c>mm index build</c> and <c>mm search</c>: JSON shape, incremental re-runs and exit codes.</summary>
public sealed class SearchCommandTests : CliTestBase, IDisposable
{
    private static readonly string[] Photos = ["butterfly.jpg", "camera.png", "coffee.png", "fruits.jpg"];

    private readonly string _dir = Directory.CreateTempSubdirectory("mm-search-cli-").FullName;

    public SearchCommandTests()
    {
        Directory.CreateDirectory(Folder);
        foreach (var photo in Photos)
        {
            File.Copy(Image(photo), Path.Combine(Folder, photo));
        }
        File.Copy(Image("truncated.jpg"), Path.Combine(Folder, "truncated.jpg"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Folder => Path.Combine(_dir, "photos");

    private string IndexPath => Path.Combine(_dir, "index");

    private CliResult Build(params string[] extra) =>
        Run(["index", "build", "--model", HfModel, "--images", Folder, "--out", IndexPath, .. extra]);

    [Theory]
    [InlineData("flat")]
    [InlineData("hnsw")]
    public void Build_PrintsSummary_ReRunEmbedsOnlyChanges(string kind)
    {
        var first = Build("--kind", kind);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(Photos.Length, first.Json.GetProperty("added").GetInt32());
        Assert.Equal(0, first.Json.GetProperty("updated").GetInt32());
        Assert.Equal(0, first.Json.GetProperty("removed").GetInt32());
        Assert.Equal(0, first.Json.GetProperty("unchanged").GetInt32());
        Assert.Equal(Photos.Length, first.Json.GetProperty("count").GetInt32());
        var skipped = Assert.Single(first.Json.GetProperty("skipped").EnumerateArray());
        Assert.EndsWith("truncated.jpg", skipped.GetProperty("path").GetString());
        Assert.False(string.IsNullOrEmpty(skipped.GetProperty("reason").GetString()));
        Assert.Contains("embedding", first.Stderr);
        Assert.DoesNotContain('\r', first.Stderr); // not a terminal: plain lines

        File.Copy(Image("home.jpg"), Path.Combine(Folder, "home.jpg"));
        File.Copy(Image("logo.png"), Path.Combine(Folder, "coffee.png"), overwrite: true);
        File.Delete(Path.Combine(Folder, "fruits.jpg"));
        var second = Build();

        Assert.Equal(0, second.ExitCode);
        Assert.Equal(1, second.Json.GetProperty("added").GetInt32());
        Assert.Equal(1, second.Json.GetProperty("updated").GetInt32());
        Assert.Equal(1, second.Json.GetProperty("removed").GetInt32());
        Assert.Equal(Photos.Length - 2, second.Json.GetProperty("unchanged").GetInt32());
        Assert.Equal(Photos.Length, second.Json.GetProperty("count").GetInt32());
    }

    [Fact]
    public void Search_Json_ImageQueryFindsItself_TextReturnsKHits()
    {
        Assert.Equal(0, Build().ExitCode);
        var camera = Path.Combine(Folder, "camera.png");

        var byImage = Run("search", "--index", IndexPath, "--image", camera, "-k", "3", "--json");
        var byText = Run("search", "--index", IndexPath, "--text", "a camera", "-k", "2", "--json", "--model", HfModel);

        Assert.Equal(0, byImage.ExitCode);
        Assert.Equal(camera, byImage.Json.GetProperty("query").GetString());
        var hits = byImage.Json.GetProperty("hits").EnumerateArray().ToList();
        Assert.Equal(3, hits.Count);
        Assert.Equal(Path.GetFullPath(camera), hits[0].GetProperty("path").GetString());
        Assert.Equal(1.0, hits[0].GetProperty("score").GetDouble(), 1e-3);
        Assert.Equal(0, byText.ExitCode);
        Assert.Equal("a camera", byText.Json.GetProperty("query").GetString());
        var scores = byText.Json.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(2, scores.Count);
        Assert.True(scores[0] >= scores[1]);
    }

    [Fact]
    public void Search_Table_HasRankScorePath()
    {
        Assert.Equal(0, Build().ExitCode);

        var result = Run("search", "--index", IndexPath, "--text", "a cat", "-k", "2");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("rank", lines[0]);
        Assert.StartsWith("   1", lines[1]);
        Assert.Contains(Folder, lines[1]);
    }

    [Fact]
    public void ExitCodes_MissingFolderIsOne_UsageErrorsAreTwo()
    {
        var missingFolder = Run("index", "build", "--model", HfModel, "--images", Path.Combine(_dir, "nope"), "--out", IndexPath);
        var missingImages = Run("index", "build", "--model", HfModel, "--out", IndexPath);
        var badKind = Build("--kind", "ivf");
        var bothQueries = Run("search", "--index", IndexPath, "--text", "x", "--image", "y.png");
        var noQuery = Run("search", "--index", IndexPath);
        var missingIndex = Run("search", "--index", Path.Combine(_dir, "none"), "--text", "x");

        Assert.Equal(1, missingFolder.ExitCode);
        Assert.Contains("nope", missingFolder.Stderr);
        Assert.Equal(2, missingImages.ExitCode);
        Assert.Contains("--images", missingImages.Stderr);
        Assert.Equal(2, badKind.ExitCode);
        Assert.Equal(2, bothQueries.ExitCode);
        Assert.Equal(2, noQuery.ExitCode);
        Assert.Equal(1, missingIndex.ExitCode);
        Assert.Equal("", missingFolder.Stdout + missingImages.Stdout);
    }

    [Fact]
    public void Build_CancelledBeforeAnyImage_Returns130_AndSavesNothing()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = CliApp.Run(["index", "build", "--model", HfModel, "--images", Folder, "--out", IndexPath], stdout, stderr, cancel.Token);

        Assert.Equal(130, code);
        Assert.False(Directory.Exists(IndexPath));
    }
}
