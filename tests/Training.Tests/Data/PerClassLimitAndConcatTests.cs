using MultiModal.Training.Data;

namespace MultiModal.Training.Tests.Data;

public sealed class PerClassLimitAndConcatTests
{
    private static ListDataset Labelled(string name, params int[] labels) =>
        new(name, ["a", "b", "c"], labels.Select((l, i) => new ImageTextSample(ImageRef.FromFile($"{name}/{i}.png"), [], l)).ToArray());

    [Fact]
    public void PerClassLimit_KeepsFirstSamplesOfEachClassInOrder()
    {
        var dataset = Labelled("d", 0, 1, 0, 2, 0, 1, 1, 1);

        var limited = PerClassLimitDataset.Create(dataset, 2);

        Assert.Equal(["d/0.png", "d/1.png", "d/2.png", "d/3.png", "d/5.png"], Enumerable.Range(0, limited.Count).Select(i => limited[i].Image.Name));
        Assert.Equal(dataset.ClassNames, limited.ClassNames);
    }

    [Fact]
    public void PerClassLimit_CaptionSetWithoutClasses_Throws()
    {
        var captions = new ListDataset("c", null, [new ImageTextSample(ImageRef.FromFile("x.png"), ["a cat"])]);

        Assert.Throws<ArgumentException>(() => PerClassLimitDataset.Create(captions, 1));
    }

    [Fact]
    public void Concat_IndexesAcrossPartsIncludingAnEmptyOne()
    {
        var concat = ConcatDataset.Create([Labelled("a", 0, 1), Labelled("e"), Labelled("b", 2, 2, 0)]);

        Assert.Equal(5, concat.Count);
        Assert.Equal(["a/0.png", "a/1.png", "b/0.png", "b/1.png", "b/2.png"], Enumerable.Range(0, concat.Count).Select(i => concat[i].Image.Name));
        Assert.Equal("a+e+b", concat.Name);
        Assert.Throws<ArgumentOutOfRangeException>(() => concat[5]);
    }

    [Fact]
    public void Concat_DifferentClassLists_Throws()
    {
        var other = new ListDataset("o", ["x", "y"], []);

        var e = Assert.Throws<ArgumentException>(() => ConcatDataset.Create([Labelled("a", 0), other]));

        Assert.Contains("different class lists", e.Message);
    }
}
