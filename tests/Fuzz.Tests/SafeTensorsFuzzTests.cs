using Xunit.Abstractions;

namespace MultiModal.Fuzz.Tests;

/// <summary>The <c>safetensors</c> fuzz target: safetensors files through SafeTensorsFile.Open and ReadTensor.</summary>
public sealed class SafeTensorsFuzzTests(ITestOutputHelper output)
{
    private const string Target = "safetensors";

    /// <summary>Seeds and kept findings of tests/fuzz/corpus/safetensors.</summary>
    public static TheoryData<string> Files => FuzzRuns.Files(Target);

    [Theory]
    [MemberData(nameof(Files))]
    public void Replay_CorpusFile_OnlyDocumentedOutcomes(string file) => FuzzRuns.AssertReplayClean(Target, file, output);

    [Fact]
    public void Mutations_SeededLoop_OnlyDocumentedOutcomes() => FuzzRuns.AssertMutationsClean(Target, count: 600, output);
}
