using Xunit.Abstractions;

namespace MultiModal.Fuzz.Tests;

/// <summary>The <c>index</c> fuzz target: saved index folders (flat and HNSW) through SavedIndex.Load and a search.</summary>
public sealed class IndexFuzzTests(ITestOutputHelper output)
{
    private const string Target = "index";

    /// <summary>Seeds and kept findings of tests/fuzz/corpus/index.</summary>
    public static TheoryData<string> Files => FuzzRuns.Files(Target);

    [Theory]
    [MemberData(nameof(Files))]
    public void Replay_CorpusFile_OnlyDocumentedOutcomes(string file) => FuzzRuns.AssertReplayClean(Target, file, output);

    [Fact]
    public void Mutations_SeededLoop_OnlyDocumentedOutcomes() => FuzzRuns.AssertMutationsClean(Target, count: 300, output);
}
