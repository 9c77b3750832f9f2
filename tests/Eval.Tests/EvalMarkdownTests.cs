namespace MultiModal.Eval.Tests;

/// <summary><see cref="EvalMarkdown"/>: one row per report, union of metric columns.</summary>
public sealed class EvalMarkdownTests
{
    [Fact]
    public void Render_TwoTasks_UnionOfColumnsWithDashForMissing()
    {
        // Arrange
        EvalReport[] reports =
        [
            new() { Dataset = "cifar10", Model = "tiny", Task = EvalReport.ZeroShotClassificationTask, Metrics = [new("acc1", 0.5), new("acc5", 1.0 / 3)] },
            new() { Dataset = "coco|val", Model = "tiny", Task = EvalReport.ZeroShotRetrievalTask, Metrics = [new("image_retrieval_recall@1", 0.123456)] },
        ];

        // Act
        var table = EvalMarkdown.Render(reports);

        // Assert
        Assert.Equal(
            "| dataset | model | task | acc1 | acc5 | image_retrieval_recall@1 |\n" +
            "| --- | --- | --- | ---: | ---: | ---: |\n" +
            "| cifar10 | tiny | zeroshot_classification | 0.5000 | 0.3333 | – |\n" +
            "| coco\\|val | tiny | zeroshot_retrieval | – | – | 0.1235 |\n",
            table);
    }

    [Theory]
    [InlineData(0, "| d | m | t | 1 |")]
    [InlineData(2, "| d | m | t | 0.67 |")]
    public void Render_Decimals_FixedPointInvariant(int decimals, string expectedRow)
    {
        // Arrange
        EvalReport report = new() { Dataset = "d", Model = "m", Task = "t", Metrics = [new("acc1", 2.0 / 3)] };

        // Act
        var rows = EvalMarkdown.Render([report], decimals).Split('\n');

        // Assert
        Assert.Equal(expectedRow, rows[2]);
    }

    [Fact]
    public void Render_NoReports_Throws()
    {
        // Act + Assert
        Assert.Throws<ArgumentException>(() => EvalMarkdown.Render([]));
    }
}
