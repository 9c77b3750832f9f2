using Xunit.Abstractions;

namespace MultiModal.Fuzz.Tests;

/// <summary>The <c>png</c> fuzz target: PNG bytes through the container probe and ImageSharp via ImagePreprocessor.</summary>
public sealed class PngFuzzTests(ITestOutputHelper output)
{
    private const string Target = "png";

    /// <summary>Seeds and kept findings of tests/fuzz/corpus/png.</summary>
    public static TheoryData<string> Files => FuzzRuns.Files(Target);

    [Theory]
    [MemberData(nameof(Files))]
    public void Replay_CorpusFile_OnlyDocumentedOutcomes(string file) => FuzzRuns.AssertReplayClean(Target, file, output);

    [Fact]
    public void Mutations_SeededLoop_OnlyDocumentedOutcomes() => FuzzRuns.AssertMutationsClean(Target, count: 1500, output);
}
