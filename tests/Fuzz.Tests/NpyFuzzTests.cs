using Xunit.Abstractions;

namespace MultiModal.Fuzz.Tests;

/// <summary>The <c>npy</c> fuzz target: .npy files through NpyReader and NpyFile.</summary>
public sealed class NpyFuzzTests(ITestOutputHelper output)
{
    private const string Target = "npy";

    /// <summary>Seeds and kept findings of tests/fuzz/corpus/npy.</summary>
    public static TheoryData<string> Files => FuzzRuns.Files(Target);

    [Theory]
    [MemberData(nameof(Files))]
    public void Replay_CorpusFile_OnlyDocumentedOutcomes(string file) => FuzzRuns.AssertReplayClean(Target, file, output);

    [Fact]
    public void Mutations_SeededLoop_OnlyDocumentedOutcomes() => FuzzRuns.AssertMutationsClean(Target, count: 1500, output);
}
