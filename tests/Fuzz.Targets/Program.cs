using System.Globalization;
using MultiModal.Fuzz;

// Fuzz harness for MultiModal's parsers; tests/fuzz/README.md explains the targets, the input encodings and the runs.
return Cli.Run(args);

namespace MultiModal.Fuzz
{
    /// <summary>Command line of the harness.</summary>
    internal static class Cli
    {
        private const string Usage = """
            usage: MultiModal.Fuzz VERB TARGET ...
              afl TARGET                         under afl-fuzz (SharpFuzz out-of-process fork server; input on stdin)
              run TARGET FILE...                 judge files in this process; full stack of each finding; exit 1 on a finding
              replay TARGET --list FILE [--warmup FILE]   protocol mode for ProcessRunner (one path per line)
              mutate TARGET --seed S --count N --corpus DIR...   the deterministic mutation loop, protocol mode
              case TARGET --seed S --index I --corpus DIR... --out FILE   write mutation case I
              triage TARGET --keep DIR [--prefix P] FILE...   replay in child processes; keep the smallest input of each new finding
              seeds ROOT                         write the generated seeds (index, checkpoint, non-JPEG images) under ROOT
              pack DIR FLAGS OUT | unpack FILE DIR   folder <-> archive input of the index/checkpoint targets
            targets: jpeg png image safetensors npy index checkpoint
            """;

        public static int Run(string[] args)
        {
            if (args.Length < 2)
            {
                Console.Error.WriteLine(Usage);
                return 2;
            }
            var verb = args[0];
            var options = Options.Parse(args.AsSpan(2));
            switch (verb)
            {
                case "seeds":
                    SeedWriter.WriteAll(args[1]);
                    return 0;
                case "pack":
                    File.WriteAllBytes(args[3], FuzzArchive.FromDirectory(args[1], byte.Parse(args[2], NumberStyles.Integer, CultureInfo.InvariantCulture)).Encode());
                    return 0;
                case "unpack":
                    Directory.CreateDirectory(args[2]);
                    var archive = FuzzArchive.Decode(File.ReadAllBytes(args[1]));
                    archive.WriteTo(args[2]);
                    Console.WriteLine($"flags 0x{archive.Flags:X2}; {archive.Files.Count} files: {string.Join(", ", archive.Files.Select(f => $"{f.Key} ({f.Value.Length} B)"))}");
                    return 0;
            }
            if (verb is "run" or "replay" or "mutate" && Environment.GetEnvironmentVariable("DOTNET_GCHeapHardLimit") is null)
            {
                return RunCapped(args);
            }
            using var scratch = Scratch.Create();
            if (verb == "afl")
            {
                return Afl(args[1], scratch.Path);
            }
            var target = FuzzTarget.Create(args[1], scratch.Path);
            switch (verb)
            {
                case "run":
                    return RunFiles(target, options.Rest);
                case "replay":
                {
                    var files = File.ReadAllLines(options.Require("list")).Where(l => l.Length > 0).ToArray();
                    CaseLoop.Serve(target, i => (File.ReadAllBytes(files[i]), files[i]), options.Int("from", 0), files.Length, options.Limit, options.Get("save"), options.All("warmup"));
                    return 0;
                }
                case "mutate":
                {
                    var seeds = Corpus.SeedPaths(options.All("corpus"));
                    var mutator = new Mutator(seeds.Select(File.ReadAllBytes).ToList(), target.TakesArchive);
                    int seed = options.Int("seed", 1);
                    CaseLoop.Serve(target, i => mutator.Case(seed, i), options.Int("from", 0), options.Int("count", 100), options.Limit, options.Get("save"), seeds.Take(1).ToList());
                    return 0;
                }
                case "case":
                {
                    var mutator = new Mutator(Corpus.Seeds(options.All("corpus")), target.TakesArchive);
                    var (input, recipe) = mutator.Case(options.Int("seed", 1), options.Int("index", 0));
                    File.WriteAllBytes(options.Require("out"), input);
                    Console.WriteLine(recipe);
                    return 0;
                }
                case "triage":
                    return Triage.Run(target, options.Require("keep"), options.Rest, options.Get("prefix") ?? "");
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        private static int Afl(string name, string scratch)
        {
            // Instrumented library code may only run once SharpFuzz has set up the coverage map, i.e. inside the action:
            // the target (whose constructor calls the library) is made on the first input, which SharpFuzz runs twice.
            FuzzTarget? target = null;
            Guard? guard = null;
            SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
            {
                if (target is null)
                {
                    target = FuzzTarget.Create(name, scratch);
                    // No time limit: afl-fuzz's -t handles hangs. The memory cap turns a blow-up into a crash.
                    guard = new Guard(target.MemoryCapMiB, Timeout.InfiniteTimeSpan, v => Console.Error.WriteLine(v.Signature));
                }
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                var verdict = target.Run(buffer.ToArray());
                if (verdict.Kind == VerdictKind.Finding)
                {
                    throw new FindingException(verdict);
                }
            });
            GC.KeepAlive(guard);
            return 0;
        }

        /// <summary>
        /// Re-runs this command in a child process whose managed heap is capped like the fuzzers' (DOTNET_GCHeapHardLimit =
        /// the target's memory cap), so that `run` reproduces allocation findings exactly as afl-fuzz and the tests saw them.
        /// </summary>
        private static int RunCapped(string[] args)
        {
            using var child = ProcessRunner.Start(args[1], args, redirect: false);
            child.WaitForExit();
            return child.ExitCode;
        }

        private static int RunFiles(FuzzTarget target, IReadOnlyList<string> files)
        {
            var guard = new Guard(target.MemoryCapMiB, TimeSpan.FromSeconds(FuzzTarget.CaseSecondsOf(target.Name)), v => Console.WriteLine($"FINDING {v.Signature}: {v.Message}"));
            int findings = 0;
            foreach (var file in files)
            {
                var input = File.ReadAllBytes(file);
                guard.Begin();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                Exception? thrown = null;
                var verdict = target.Run(input, e => thrown = e);
                guard.End();
                Console.WriteLine($"{verdict.Kind.ToString().ToUpperInvariant(),-8} {file} ({clock.ElapsedMilliseconds} ms) {verdict.Signature}: {verdict.Message}");
                if (verdict.Kind == VerdictKind.Finding)
                {
                    findings++;
                    Console.WriteLine(thrown);
                }
            }
            Console.WriteLine($"{files.Count} files, {findings} findings, peak {guard.PeakMiB} MiB");
            return findings > 0 ? 1 : 0;
        }
    }

    /// <summary>Thrown under afl-fuzz so that SharpFuzz reports the input as a crash.</summary>
    internal sealed class FindingException(Verdict verdict) : Exception(verdict.Signature + ": " + verdict.Message);
}
