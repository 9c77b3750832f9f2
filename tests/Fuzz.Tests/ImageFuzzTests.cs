using Xunit.Abstractions;

namespace MultiModal.Fuzz.Tests;

/// <summary>The <c>image</c> fuzz target: any of the six formats through both preprocessing geometries.</summary>
public sealed class ImageFuzzTests(ITestOutputHelper output)
{
    private const string Target = "image";

    /// <summary>Seeds and kept findings of tests/fuzz/corpus/image.</summary>
    public static TheoryData<string> Files => FuzzRuns.Files(Target);

    [Theory]
    [MemberData(nameof(Files))]
    public void Replay_CorpusFile_OnlyDocumentedOutcomes(string file) => FuzzRuns.AssertReplayClean(Target, file, output);

    [Fact]
    public void Mutations_SeededLoop_OnlyDocumentedOutcomes() => FuzzRuns.AssertMutationsClean(Target, count: 600, output);
}
