using System.Text.Json;
using MultiModal.Cli.Commands;
using MultiModal.Encoders.Checkpoints;
using MultiModal.Encoders.IO;
using MultiModal.Encoders.Imaging;
using MultiModal.Index.Persistence;

namespace MultiModal.Cli;

/// <summary>The <c>mm</c> command line: dispatch, usage text and the mapping of failures to exit codes.</summary>
/// <remarks>Exit codes: 0 success; 1 the work failed (bad file, bad model, bad image); 2 usage error; 130 cancelled.</remarks>
internal static class CliApp
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Cancelled = 130;

    private const string UsageText = """
        mm — multimodal embeddings from the command line

        Usage:
          mm embed      --model DIR [--image PATH]... [--text TEXT]... [--device cpu|cuda] [--batch-size N] [--tokenizer PATH]
                        [--allow-truncated]
          mm tokenize   --model DIR [--tokenizer PATH] TEXT...
          mm preprocess --model DIR --image PATH --out FILE.npy [--allow-truncated]
          mm info       --model DIR [--tokenizer PATH] [--json]
          mm classify   --model DIR --classes cifar10|cifar100|imagenet1k|FILE [--templates NAME|FILE] --image PATH... [-k 5]
                        [--tokenizer PATH] [--device cpu|cuda] [--batch-size N] [--allow-truncated]
          mm index import --vectors X.npy --out INDEX --kind flat|hnsw [--metric ip|cosine|l2] [--keys K.npy]
                        [--threads T] [--m M] [--ef-construction N]
          mm index search --index INDEX --queries Q.npy -k K --out IDS.npy [--threads T] [--ef N]
          mm index build --model DIR --images FOLDER --out INDEX [--kind flat|hnsw] [--batch-size N] [--rehash] [--device cpu|cuda]
                        [--allow-truncated]
          mm search     --index INDEX (--text QUERY | --image PATH) [-k 10] [--json] [--model DIR] [--device cpu|cuda]
                        [--allow-truncated]
          mm eval zeroshot  --model DIR --dataset SPEC [--templates NAME|FILE] [--subset CLASS,CLASS...]
                        [--out FILE.json] [--markdown FILE.md] [--batch N] [--json] [--device cpu|cuda] [--tokenizer PATH]
                        [--allow-truncated]
          mm eval retrieval --model DIR --dataset SPEC [--out FILE.json] [--markdown FILE.md] [--batch N] [--json]
                        [--device cpu|cuda] [--tokenizer PATH] [--allow-truncated]
          mm train      (--config FILE.json | --resume DIR)
          mm demo       [--model default|DIR] [--data FASHION_MNIST_DIR] [--out DIR] [-k 5] [--limit N] [--batch N]

        --model DIR   an OpenCLIP hub folder (open_clip_config.json + open_clip_model.safetensors), a Hugging Face
                      CLIPModel folder (config.json + model.safetensors), a folder saved by this library, an ONNX CLIP
                      export (vision_model.onnx + text_model.onnx, or model.onnx), a dual encoder (dual_encoder.json),
                      or 'default' (the bundled LiT model: frozen ResNet18 + MiniLM, heads trained on Fashion-MNIST).
        --tokenizer   bpe_simple_vocab_16e6.txt.gz, or a folder with vocab.json + merges.txt, when the model folder has none.
        --vectors     a NumPy float32 [N, D] file; --keys an int64 [N] file (default: row numbers). --threads defaults to 1.
        index search  writes the int64 [Q, K] keys (-1 padded) to --out; "seconds" and "qps" time the search alone.
        index build   embeds the images under FOLDER (recursively); re-run with the same --out to embed only new or
                      changed files (same size and time = unchanged; --rehash hashes every file). Ctrl-C saves what is
                      done so far. Progress on standard error. search uses the model recorded by index build.
        eval          prints a Markdown table of CLIP_benchmark metrics (acc1, acc5, mean_per_class_recall;
                      image/text_retrieval_recall@1/5/10); --out saves CLIP_benchmark's JSON, --json also prints it.
        demo          the README's main job: Fashion-MNIST test images -> embeddings -> flat index -> text searches and
                      zero-shot accuracy (seen and held-out classes), printed as text.
        --allow-truncated  decode JPEG/PNG files cut short as PIL does with LOAD_TRUNCATED_IMAGES (missing blocks grey,
                      missing rows black) instead of refusing them.
        -k            larger than the index returns every entry (k is clamped to the index size).
        --out         written only to a missing path, an empty folder, or a folder/file of the kind this command writes
                      (never a folder of yours, an input, a FIFO or a device: exit 2). Indexes are saved atomically and
                      locked: a second writer of the same index waits 10 s, then fails naming the first one's pid.
        Results are JSON on standard output; errors go to standard error with a non-zero exit code; --help after
        any command prints its usage.
        """;

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Count == 0 ? stderr : stdout).WriteLine(UsageText);
            return args.Count == 0 ? Usage : Ok;
        }
        if (args.TakeWhile(a => a != "--").Any(a => a is "--help" or "-h") && CommandUsage(args) is { } usage)
        {
            stdout.WriteLine(usage);
            return Ok;
        }
        try
        {
            var rest = args.Skip(1).ToList();
            return args[0] switch
            {
                "embed" => EmbedCommand.Run(rest, stdout, stderr, cancellationToken),
                "tokenize" => TokenizeCommand.Run(rest, stdout, stderr),
                "preprocess" => PreprocessCommand.Run(rest, stdout, stderr),
                "info" => InfoCommand.Run(rest, stdout, stderr),
                "classify" => ClassifyCommand.Run(rest, stdout, stderr, cancellationToken),
                "index" => RunIndex(rest, stdout, stderr, cancellationToken),
                "search" => SearchCommand.Run(rest, stdout, stderr, cancellationToken),
                "eval" => EvalCommand.Run(rest, stdout, stderr, cancellationToken),
                "train" => TrainCommand.Run(rest, stdout, stderr, cancellationToken),
                "demo" => DemoCommand.Run(rest, stdout, stderr, cancellationToken),
                _ => throw new UsageException($"Unknown command '{args[0]}'. Run 'mm --help'."),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"mm: {e.Message}");
            return Usage;
        }
        catch (HelpRequestedException)
        {
            stdout.WriteLine(CommandUsage(args) ?? UsageText);
            return Ok;
        }
        catch (Exception e) when (e is OutputPathException)
        {
            // Refusing to overwrite or destroy a path is a usage problem: nothing was written.
            stderr.WriteLine($"mm: {e.Message}");
            return Usage;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("mm: cancelled");
            return Cancelled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or NotSupportedException
                                      or CheckpointFormatException or CheckpointMismatchException or ImageDecodeException
                                      or ImageBatchException or InvalidDataException or ArgumentException or KeyNotFoundException
                                      or IndexFormatException)
        {
            stderr.WriteLine($"mm: {e.Message}");
            return Failed;
        }
    }

    /// <summary>
    /// The usage lines of the command that <paramref name="args"/> names (<c>mm index build</c>, or every <c>mm index</c>
    /// line for <c>mm index --help</c>); null when no command matches.
    /// </summary>
    internal static string? CommandUsage(IReadOnlyList<string> args)
    {
        var words = args.TakeWhile(a => !a.StartsWith('-')).Take(2).ToList();
        if (words.Count == 0)
        {
            return null;
        }
        var lines = UsageText.Split('\n');
        for (int take = words.Count; take >= 1; take--)
        {
            var prefix = "  mm " + string.Join(' ', words.Take(take));
            var picked = new List<string>();
            for (int i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                if (!line.StartsWith(prefix, StringComparison.Ordinal) || (line.Length > prefix.Length && line[prefix.Length] != ' '))
                {
                    continue;
                }
                picked.Add(line);
                // Continuation lines are indented deeper than "  mm".
                while (i + 1 < lines.Length && lines[i + 1].StartsWith("        ", StringComparison.Ordinal) && !lines[i + 1].TrimStart().StartsWith("mm ", StringComparison.Ordinal))
                {
                    picked.Add(lines[++i]);
                }
            }
            if (picked.Count > 0)
            {
                return "Usage:\n" + string.Join('\n', picked) + "\n\nRun 'mm --help' for what each option means.";
            }
        }
        return null;
    }

    /// <summary><c>mm index import|search|build</c>.</summary>
    private static int RunIndex(List<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        args.FirstOrDefault() switch
        {
            "import" => IndexImportCommand.Run(args.Skip(1).ToList(), stdout, cancellationToken),
            "search" => IndexSearchCommand.Run(args.Skip(1).ToList(), stdout, cancellationToken),
            "build" => IndexBuildCommand.Run(args.Skip(1).ToList(), stdout, stderr, cancellationToken),
            var sub => throw new UsageException(sub is null
                ? "mm index needs a subcommand: import, search or build."
                : $"Unknown index subcommand '{sub}' (import, search or build)."),
        };

    /// <summary>Writes compact JSON with a trailing newline.</summary>
    public static void WriteJson(TextWriter stdout, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }
        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
