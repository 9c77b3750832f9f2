using MultiModal.Encoders;
using MultiModal.Index.Flat;
using MultiModal.Index.Persistence;
using MultiModal.Index.Search;
using MultiModal.Index.Tests.ZeroShot;

namespace MultiModal.Index.Tests.Search;

/// <summary>
/// <see cref="ImageSearchService"/> over copies of the fixture photos, with the tiny random-weight model: checks
/// consistency (self-match, brute force, incremental re-runs, round trips), not semantics.
/// </summary>
public sealed class ImageSearchServiceTests : IClassFixture<ImageSearchServiceTests.ModelFixture>, IDisposable
{
    private static readonly string[] Photos = ["butterfly.jpg", "camera.png", "chelsea.png", "coffee.png", "fruits.jpg"];

    private readonly ClipModel _model;
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-search-").FullName;

    public ImageSearchServiceTests(ModelFixture fixture)
    {
        _model = fixture.Model;
        Directory.CreateDirectory(Path.Combine(_dir, "photos", "nested"));
        foreach (var photo in Photos)
        {
            File.Copy(ZeroShotFixtures.Image(photo), PhotoPath(photo));
        }
        File.Copy(ZeroShotFixtures.Image("truncated.jpg"), Corrupt);
        File.WriteAllText(Path.Combine(Folder, "notes.txt"), "not an image");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Folder => Path.Combine(_dir, "photos");

    private string Corrupt => Path.Combine(Folder, "nested", "truncated.jpg");

    // chelsea.png goes into the nested folder, so the walk must recurse.
    private string PhotoPath(string name) => Path.Combine(Folder, name == "chelsea.png" ? "nested" : "", name);

    [Fact]
    public void IndexFolder_AddsPhotos_SkipsCorruptFileWithReason()
    {
        using var service = ImageSearchService.Create(_model, new ImageSearchOptions { BatchSize = 2 });
        var progress = new List<IndexingProgress>();

        var result = service.IndexFolder(Folder, new SyncProgress<IndexingProgress>(progress.Add));

        Assert.Equal(Photos.Length, result.Added);
        Assert.Equal((0, 0, 0), (result.Updated, result.Removed, result.Unchanged));
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal(Corrupt, skipped.Path);
        Assert.False(string.IsNullOrWhiteSpace(skipped.Reason));
        Assert.Equal(Photos.Length, service.Count);
        Assert.Equal(Photos.Length, service.IndexCount);
        Assert.Equal(Photos.Select(PhotoPath).Order(StringComparer.Ordinal), service.Images.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.Equal(Photos.Length + 1, progress[^1].Done);
        Assert.All(progress, p => Assert.Equal(Photos.Length + 1, p.Total));
        Assert.Equal(service.Images.Select(r => r.Key).Distinct().Count(), service.Count);
    }

    [Theory]
    [InlineData(ImageIndexKind.Flat)]
    [InlineData(ImageIndexKind.Hnsw)]
    public void SearchImage_IndexedPhoto_IsFirstWithScoreOne(ImageIndexKind kind)
    {
        using var service = ImageSearchService.Create(_model, new ImageSearchOptions { Kind = kind });
        service.IndexFolder(Folder);

        foreach (var photo in Photos)
        {
            var hits = service.SearchImage(PhotoPath(photo), k: 3);

            Assert.Equal(3, hits.Count);
            Assert.Equal(PhotoPath(photo), hits[0].Path);
            Assert.Equal(1f, hits[0].Score, 1e-3f);
        }
    }

    [Fact]
    public void SearchText_EqualsBruteForceOverCatalogEmbeddings()
    {
        using var service = ImageSearchService.Create(_model);
        service.IndexFolder(Folder);
        var records = service.Images;
        var embeddings = _model.EncodeImages(records.Select(r => r.Path).ToList());

        foreach (var query in new[] { "a photo of a cat", "a cup of coffee", "fruit" })
        {
            var q = _model.EncodeTexts([query])[0];
            var expected = records.Select((r, i) => (r.Path, Score: Dot(q, embeddings[i])))
                .OrderByDescending(x => x.Score).Take(3).ToList();

            var hits = service.SearchText(query, k: 3);

            Assert.Equal(expected.Select(e => e.Path), hits.Select(h => h.Path));
            for (var i = 0; i < hits.Count; i++)
            {
                Assert.Equal(expected[i].Score, hits[i].Score, 1e-4f);
            }
            Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        }
        Assert.Equal(Photos.Length, service.SearchText("anything", k: 50).Count);
    }

    [Fact]
    public void IndexFolder_ReRun_EmbedsOnlyNewAndChanged_RemovesDeleted()
    {
        using var service = ImageSearchService.Create(_model);
        service.IndexFolder(Folder);
        var keysBefore = service.Images.ToDictionary(r => r.Path, r => r.Key);

        File.Copy(ZeroShotFixtures.Image("home.jpg"), Path.Combine(Folder, "home.jpg"));
        File.Copy(ZeroShotFixtures.Image("logo.png"), PhotoPath("coffee.png"), overwrite: true);
        File.Delete(PhotoPath("fruits.jpg"));
        var progress = new List<IndexingProgress>();
        var result = service.IndexFolder(Folder, new SyncProgress<IndexingProgress>(progress.Add));

        Assert.Equal((1, 1, 1, Photos.Length - 2), (result.Added, result.Updated, result.Removed, result.Unchanged));
        Assert.Single(result.Skipped);
        Assert.Equal(3, progress[^1].Total); // home.jpg, coffee.png and the still-corrupt file
        Assert.Equal(Photos.Length, service.Count);
        Assert.Equal(Photos.Length, service.IndexCount);
        var keysAfter = service.Images.ToDictionary(r => r.Path, r => r.Key);
        Assert.Equal(keysBefore[PhotoPath("coffee.png")], keysAfter[PhotoPath("coffee.png")]);
        Assert.DoesNotContain(PhotoPath("fruits.jpg"), keysAfter.Keys);
        Assert.True(keysAfter[Path.Combine(Folder, "home.jpg")] > keysBefore.Values.Max());
        // The updated photo now matches its new content.
        var hit = service.SearchImage(ZeroShotFixtures.Image("logo.png"), k: 1)[0];
        Assert.Equal(PhotoPath("coffee.png"), hit.Path);
        Assert.Equal(1f, hit.Score, 1e-3f);

        var again = service.IndexFolder(Folder);
        Assert.Equal((0, 0, 0, Photos.Length), (again.Added, again.Updated, again.Removed, again.Unchanged));
    }

    [Fact]
    public void IndexFolder_SameSizeAndTime_SkipsHashUnlessContentHashAsked()
    {
        // Arrange: overwrite a photo with garbage of the same length and restore its modification time.
        using var service = ImageSearchService.Create(_model);
        service.IndexFolder(Folder);
        var path = PhotoPath("camera.png");
        var time = File.GetLastWriteTimeUtc(path);
        File.WriteAllBytes(path, new byte[new FileInfo(path).Length]);
        File.SetLastWriteTimeUtc(path, time);

        // Act
        var quick = service.IndexFolder(Folder);
        var hashed = service.IndexFolder(Folder, ChangeDetection.ContentHash);

        // Assert: the quick check trusts size and time; hashing sees the change and the new bytes do not decode.
        Assert.Equal((0, 0, Photos.Length), (quick.Added, quick.Updated, quick.Unchanged));
        Assert.Equal((0, 0, Photos.Length - 1), (hashed.Added, hashed.Updated, hashed.Unchanged));
        Assert.Contains(hashed.Skipped, s => s.Path == path);
    }

    [Fact]
    public void IndexFolder_CancelledAfterFirstBatch_KeepsBatchAndSavesIt()
    {
        // Arrange: batches of one image, applied in chunks of four batches; cancel once the first chunk is done.
        using var cancel = new CancellationTokenSource();
        using var service = ImageSearchService.Create(_model, new ImageSearchOptions { BatchSize = 1 });
        var progress = new SyncProgress<IndexingProgress>(p =>
        {
            if (p.Done >= 4)
            {
                cancel.Cancel();
            }
        });

        // Act
        Assert.ThrowsAny<OperationCanceledException>(() => service.IndexFolder(Folder, progress, cancel.Token));
        var saved = Path.Combine(_dir, "partial");
        service.Save(saved);
        using var reopened = ImageSearchService.Open(_model, saved);
        var rerun = reopened.IndexFolder(Folder);

        // Assert: the finished chunk survives the save; the re-run embeds only the rest.
        Assert.Equal(4, service.Count);
        Assert.Equal(service.Count, reopened.Count - rerun.Added);
        Assert.Equal(Photos.Length, reopened.Count);
    }

    [Theory]
    [InlineData(ImageIndexKind.Flat)]
    [InlineData(ImageIndexKind.Hnsw)]
    public void SaveOpen_RoundTrip_KeepsCatalogAndResults(ImageIndexKind kind)
    {
        var saved = Path.Combine(_dir, "index");
        IReadOnlyList<ImageRecord> records;
        IReadOnlyList<ImageSearchHit> hits;
        using (var service = ImageSearchService.Create(_model, new ImageSearchOptions { Kind = kind, ModelDirectory = ZeroShotFixtures.TinyModel }))
        {
            service.IndexFolder(Folder);
            service.Save(saved);
            records = service.Images;
            hits = service.SearchText("a dog", k: 4);
        }

        Assert.Equal(Path.GetFullPath(ZeroShotFixtures.TinyModel), ImageSearchService.ReadModelDirectory(saved));
        using var reopened = ImageSearchService.Open(_model, saved);
        Assert.Equal(records, reopened.Images);
        Assert.Equal(hits.Select(h => h.Path), reopened.SearchText("a dog", k: 4).Select(h => h.Path));
        var rerun = reopened.IndexFolder(Folder);
        Assert.Equal((0, 0, 0, Photos.Length), (rerun.Added, rerun.Updated, rerun.Removed, rerun.Unchanged));

        // Saving over its own directory works, and a new key continues after the old ones.
        File.Copy(ZeroShotFixtures.Image("home.jpg"), Path.Combine(Folder, "home.jpg"));
        reopened.IndexFolder(Folder);
        reopened.Save(saved);
        using var third = ImageSearchService.Open(_model, saved);
        Assert.Equal(Photos.Length + 1, third.Count);
        Assert.Equal(records.Max(r => r.Key) + 1, third.Images.Max(r => r.Key));
    }

    [Fact]
    public void Open_CatalogMissing_ThrowsIndexFormatException()
    {
        var saved = Path.Combine(_dir, "plain");
        using (var index = FlatIndex.Create(_model.EmbedDim, Metric.Cosine))
        {
            index.Save(saved);
        }

        Assert.Throws<IndexFormatException>(() => ImageSearchService.Open(_model, saved));
    }

    [Fact]
    public async Task SearchesDuringIndexing_DoNotThrow()
    {
        for (var i = 0; i < 3; i++)
        {
            foreach (var photo in Photos)
            {
                File.Copy(ZeroShotFixtures.Image(photo), Path.Combine(Folder, $"copy{i}-{photo}"));
            }
        }
        using var service = ImageSearchService.Create(_model, new ImageSearchOptions { BatchSize = 2 });
        var indexing = service.IndexFolderAsync(Folder);
        // Bounded: a fixed number of searches each, paced, so the searchers cannot starve the indexer of the model.
        var searches = Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            for (var round = 0; round < 6; round++)
            {
                var hits = t % 2 == 0 ? service.SearchText("a photo", k: 5) : service.SearchImage(PhotoPath("camera.png"), k: 5);
                Assert.True(hits.Count <= 5);
                Assert.All(hits, h => Assert.False(string.IsNullOrEmpty(h.Path)));
                await Task.Delay(20);
            }
        })).ToArray();

        await Task.WhenAll([indexing, .. searches]).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(Photos.Length * 4, (await indexing).Added);
        Assert.Equal(Photos.Length * 4, service.SearchText("a photo", k: 100).Count);
    }

    [Fact]
    public void IndexFolder_CancelledOrMissingFolder_Throws()
    {
        using var service = ImageSearchService.Create(_model);

        Assert.Throws<DirectoryNotFoundException>(() => service.IndexFolder(Path.Combine(_dir, "nope")));
        Assert.ThrowsAny<OperationCanceledException>(() => service.IndexFolder(Folder, cancellationToken: new CancellationToken(canceled: true)));
        Assert.Equal(0, service.Count);
    }

    private static float Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }
        return (float)sum;
    }

    /// <summary>The tiny model, loaded once for the class.</summary>
    public sealed class ModelFixture : IDisposable
    {
        public ClipModel Model { get; } = ClipModel.Load(ZeroShotFixtures.TinyModel);

        public void Dispose() => Model.Dispose();
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
