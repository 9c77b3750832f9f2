using System.Diagnostics;
using MultiModal.Encoders.IO;
using MultiModal.Index;
using MultiModal.Index.Search;

namespace MultiModal.Cli.Commands;

/// <summary>
/// <c>mm index build</c>: embeds the images under a folder into a saved <see cref="ImageSearchService"/> index
/// (flat or HNSW, cosine). A re-run with the same <c>--out</c> reopens it and embeds only new or changed files,
/// dropping deleted ones: a file with its catalogued size and modification time is taken as unchanged unless
/// <c>--rehash</c> asks to hash every file. Progress goes to standard error; prints
/// {added, updated, removed, unchanged, skipped: [{path, reason}], count} as JSON.
/// </summary>
/// <remarks>Cancelling (Ctrl-C) saves the batches embedded so far (atomically, like every save), so a re-run continues.</remarks>
internal static class IndexBuildCommand
{
    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var args = Arguments.Parse(argv, ModelOptions.WithFlags("rehash"));
        var model = ModelOptions.Read(args, stderr);
        var images = args.Required("images");
        var outPath = args.Required("out");
        var kindName = args.Optional("kind");
        int batchSize = args.Int("batch-size", 32);
        bool rehash = args.Flag("rehash");
        args.RejectUnused();
        if (args.Positionals.Count > 0)
        {
            throw new UsageException($"Unexpected argument '{args.Positionals[0]}'.");
        }
        ImageIndexKind? kind = kindName switch
        {
            null => null,
            "flat" => ImageIndexKind.Flat,
            "hnsw" => ImageIndexKind.Hnsw,
            _ => throw new UsageException($"--kind must be flat or hnsw, got '{kindName}'."),
        };
        if (!Directory.Exists(images))
        {
            throw new DirectoryNotFoundException($"--images '{images}' is not a folder.");
        }
        OutputPaths.EnsureSeparate(outPath, "--out", ("--images", images), ("--model", model.ExistingDirectory));
        SavedIndex.CheckOutput(outPath);
        // One writer at a time from opening the index to saving it, so two builds cannot lose each other's work;
        // searches of the saved index go on meanwhile.
        using var writeLock = FolderLock.ForWriting(outPath, cancellationToken: cancellationToken);
        bool existing = SavedIndex.Exists(outPath);
        if (existing && kind is { } wanted)
        {
            var saved = MultiModal.Index.SavedIndex.ReadKind(outPath);
            if (saved != kindName)
            {
                throw new UsageException($"--out '{outPath}' holds a {saved} index; --kind {kindName} would need a new --out.");
            }
        }

        using var clip = model.Load();
        using var service = existing
            ? ImageSearchService.Open(clip, outPath, batchSize)
            : ImageSearchService.Create(clip, new ImageSearchOptions { Kind = kind ?? ImageIndexKind.Flat, ModelDirectory = model.Directory, BatchSize = batchSize });
        var bar = new ProgressBar(stderr);
        IndexingResult result;
        try
        {
            result = service.IndexFolder(images, rehash ? ChangeDetection.ContentHash : ChangeDetection.SizeAndTime, bar, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Every finished batch is already in the service: keep it, so a re-run continues where this one stopped.
            bar.Finish();
            if (existing || service.Count > 0)
            {
                service.Save(outPath);
                stderr.WriteLine($"mm: saved the {service.Count} images indexed so far to '{outPath}'; run again to continue");
            }
            throw;
        }
        bar.Finish();
        service.Save(outPath);

        CliApp.WriteJson(stdout, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("added", result.Added);
            w.WriteNumber("updated", result.Updated);
            w.WriteNumber("removed", result.Removed);
            w.WriteNumber("unchanged", result.Unchanged);
            w.WriteStartArray("skipped");
            foreach (var s in result.Skipped)
            {
                w.WriteStartObject();
                w.WriteString("path", s.Path);
                w.WriteString("reason", s.Reason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("skipped_links", result.SkippedLinks);
            w.WriteNumber("count", service.Count);
            w.WriteEndObject();
        });
        return CliApp.Ok;
    }

    /// <summary>
    /// Count, rate and ETA on standard error: redrawn in place with <c>\r</c> on a terminal, otherwise a line every
    /// few seconds (and the last one), so logs stay readable.
    /// </summary>
    private sealed class ProgressBar(TextWriter stderr) : IProgress<IndexingProgress>
    {
        private const int Width = 30;
        private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(5);
        private readonly bool _terminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        private readonly Stopwatch _sinceLine = Stopwatch.StartNew();
        private IndexingProgress? _last;
        private bool _drawn;

        public void Report(IndexingProgress value)
        {
            _last = value;
            if (value.Total == 0)
            {
                return;
            }
            if (_terminal)
            {
                stderr.Write("\r" + Render(value));
                _drawn = true;
            }
            else if (_sinceLine.Elapsed >= LineInterval || value.Done == value.Total)
            {
                stderr.WriteLine(Render(value));
                _sinceLine.Restart();
            }
        }

        public void Finish()
        {
            if (_drawn)
            {
                stderr.WriteLine();
            }
            else if (_last is { Total: 0 })
            {
                stderr.WriteLine("embedding: nothing new or changed");
            }
        }

        private static string Render(IndexingProgress p)
        {
            int filled = p.Total == 0 ? Width : (int)((long)p.Done * Width / p.Total);
            var eta = p.Eta is { } e ? e.ToString(e.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", System.Globalization.CultureInfo.InvariantCulture) : "--:--";
            return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"embedding [{new string('#', filled)}{new string('.', Width - filled)}] {p.Done}/{p.Total}  {p.Rate:0.0} img/s  ETA {eta}");
        }
    }
}
