using Xunit.Abstractions;

namespace MultiModal.Fuzz.Tests;

/// <summary>The <c>jpeg</c> fuzz target: JPEG bytes through the managed libjpeg-exact decoder (and ImageSharp's fallback) via ImagePreprocessor.</summary>
public sealed class JpegFuzzTests(ITestOutputHelper output)
{
    private const string Target = "jpeg";

    /// <summary>Seeds and kept findings of tests/fuzz/corpus/jpeg.</summary>
    public static TheoryData<string> Files => FuzzRuns.Files(Target);

    [Theory]
    [MemberData(nameof(Files))]
    public void Replay_CorpusFile_OnlyDocumentedOutcomes(string file) => FuzzRuns.AssertReplayClean(Target, file, output);

    [Fact]
    public void Mutations_SeededLoop_OnlyDocumentedOutcomes() => FuzzRuns.AssertMutationsClean(Target, count: 1500, output);
}
