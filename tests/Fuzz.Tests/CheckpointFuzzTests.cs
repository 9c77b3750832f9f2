using Xunit.Abstractions;

namespace MultiModal.Fuzz.Tests;

/// <summary>The <c>checkpoint</c> fuzz target: CLIP model folders (own, OpenCLIP, Hugging Face layouts) through ClipModel.Load.</summary>
public sealed class CheckpointFuzzTests(ITestOutputHelper output)
{
    private const string Target = "checkpoint";

    /// <summary>Seeds and kept findings of tests/fuzz/corpus/checkpoint.</summary>
    public static TheoryData<string> Files => FuzzRuns.Files(Target);

    [Theory]
    [MemberData(nameof(Files))]
    public void Replay_CorpusFile_OnlyDocumentedOutcomes(string file) => FuzzRuns.AssertReplayClean(Target, file, output);

    [Fact]
    public void Mutations_SeededLoop_OnlyDocumentedOutcomes() => FuzzRuns.AssertMutationsClean(Target, count: 120, output);
}
