using MultiModal.Encoders.Tokenization;
using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Data;

public sealed class CaptionTests
{
    private static IImageTextDataset Classes()
    {
        var samples = new[] { 2, 0, 1, 2, 0 }.Select((label, i) =>
            new ImageTextSample(ImageRef.FromEncoded($"toy#{i}", new byte[] { (byte)i }), [], label)).ToArray();
        return new ListDataset("toy", ["cat", "dog", "{c} bird"], samples);
    }

    [Theory]
    [InlineData("a photo of a {}.", "cat", "a photo of a cat.")]
    [InlineData("{c}, {}!", "dog", "dog, dog!")]
    [InlineData("a {} that says {c}", "{}", "a {} that says {}")]
    public void Format_Placeholders_ReplacedOnceLeftToRight(string template, string name, string expected)
    {
        Assert.Equal(expected, PromptTemplates.Format(template, name));
    }

    [Fact]
    public void Format_NoPlaceholder_Throws()
    {
        Assert.Throws<ArgumentException>(() => PromptTemplates.Format("a photo.", "cat"));
    }

    [Fact]
    public void Validate_BadTemplate_MessageNamesIndex()
    {
        var ex = Assert.Throws<ArgumentException>(() => PromptTemplates.Validate(["a {}.", "no slot"]));

        Assert.Contains("Template 1", ex.Message);
    }

    [Fact]
    public void TemplateCaptionDataset_Create_CaptionsEveryTemplateForTheLabel()
    {
        // Arrange
        IImageTextDataset classes = Classes();

        // Act
        var captioned = TemplateCaptionDataset.Create(classes, ["a photo of a {}.", "a {c} again"]);

        // Assert
        Assert.Equal(["a photo of a {c} bird.", "a {c} bird again"], captioned[0].Captions);
        Assert.Equal(["a photo of a cat.", "a cat again"], captioned[1].Captions);
        Assert.Equal(2, captioned[0].Label);
        Assert.Same(classes[3].Image.Name, captioned[3].Image.Name);
        Assert.Equal(classes.Count, captioned.Count);
    }

    [Fact]
    public void TemplateCaptionDataset_NoClassNames_Throws()
    {
        var captions = new ListDataset("caps", null, [new ImageTextSample(ImageRef.FromFile("a.jpg"), ["x"])]);

        var ex = Assert.Throws<ArgumentException>(() => TemplateCaptionDataset.Create(captions));

        Assert.Contains("caps", ex.Message);
    }

    [Fact]
    public void Keep_HeldOutClasses_KeepsOrderAndOriginalLabels()
    {
        // Act
        var subset = ClassSubsetDataset.Keep(Classes(), [2]);

        // Assert
        Assert.Equal(2, subset.Count);
        Assert.Equal([0, 3], new[] { subset.InnerIndex(0), subset.InnerIndex(1) });
        Assert.Equal([2, 2], new[] { subset[0].Label, subset[1].Label });
        Assert.Equal(3, subset.ClassNames.Count);
        Assert.Equal("toy-classes-2", subset.Name);
    }

    [Fact]
    public void Keep_Remap_RenumbersKeptClasses()
    {
        var subset = ClassSubsetDataset.Keep(Classes(), [2, 0, 2], remapLabels: true);

        Assert.Equal(["cat", "{c} bird"], subset.ClassNames);
        Assert.Equal([1, 0, 1, 0], Enumerable.Range(0, subset.Count).Select(i => subset[i].Label));
        Assert.Equal([0, 2], subset.KeptLabels);
    }

    [Fact]
    public void Exclude_Classes_IsTheComplementOfKeep()
    {
        var train = ClassSubsetDataset.Exclude(Classes(), ClassSubsetDataset.LabelsOf(Classes(), ["{c} bird"]));

        Assert.Equal([1, 2, 4], Enumerable.Range(0, train.Count).Select(train.InnerIndex));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void Keep_LabelOutOfRange_Throws(int label)
    {
        var ex = Assert.Throws<ArgumentException>(() => ClassSubsetDataset.Keep(Classes(), [label]));

        Assert.Contains($"Class {label}", ex.Message);
    }

    [Fact]
    public void LabelsOf_UnknownName_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => ClassSubsetDataset.LabelsOf(Classes(), ["horse"]));

        Assert.Contains("'horse'", ex.Message);
    }
}
