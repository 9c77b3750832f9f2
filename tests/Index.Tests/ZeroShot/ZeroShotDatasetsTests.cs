using MultiModal.Index.ZeroShot;

namespace MultiModal.Index.Tests.ZeroShot;

public sealed class ZeroShotDatasetsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-zs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("cifar10", 10, 18)]
    [InlineData("cifar100", 100, 18)]
    [InlineData("imagenet1k", 1000, 80)]
    [InlineData("fashion-mnist", 10, 8)]
    public void Get_BuiltIn_CountsAsPublished(string name, int classes, int templates)
    {
        var dataset = ZeroShotDatasets.Get(name);

        Assert.Equal(name, dataset.Name);
        Assert.Equal(classes, dataset.ClassNames.Count);
        Assert.Equal(templates, dataset.Templates.Count);
        Assert.Contains("OpenAI", dataset.Source);
    }

    [Theory]
    [InlineData("cifar10", 18)]
    [InlineData("cifar100", 18)]
    [InlineData("imagenet1k", 80)]
    [InlineData("imagenet1k-simple", 7)]
    [InlineData("fashion-mnist", 8)]
    public void GetTemplates_EveryTemplateHasExactlyOnePlaceholder(string name, int count)
    {
        var templates = ZeroShotDatasets.GetTemplates(name);

        Assert.Equal(count, templates.Count);
        Assert.All(templates, t => Assert.Equal(1, CountOf(t, "{}")));
        Assert.Equal(templates.Count, templates.Distinct().Count());
    }

    [Fact]
    public void Get_ImageNet_SpotChecksAndDuplicatesKept()
    {
        var names = ZeroShotDatasets.Get("imagenet1k").ClassNames;

        Assert.Equal("tench", names[0]);
        Assert.Equal("crane bird", names[134]);
        Assert.Equal("construction crane", names[517]);
        Assert.Equal("toilet paper", names[999]);
        // OpenAI's edited names repeat "missile" (657 and 744); kept so indexes match ImageNet labels.
        Assert.Equal("missile", names[657]);
        Assert.Equal("missile", names[744]);
    }

    [Fact]
    public void Get_Cifar_SpotChecks()
    {
        Assert.Equal("airplane", ZeroShotDatasets.Get("cifar10").ClassNames[0]);
        Assert.Equal("truck", ZeroShotDatasets.Get("cifar10").ClassNames[9]);
        Assert.Equal("apple", ZeroShotDatasets.Get("cifar100").ClassNames[0]);
        Assert.Equal("worm", ZeroShotDatasets.Get("cifar100").ClassNames[99]);
    }

    [Fact]
    public void Get_ImageNetSimple_IsSubsetOfTheEighty()
    {
        var all = ZeroShotDatasets.GetTemplates("imagenet1k");

        Assert.All(ZeroShotDatasets.GetTemplates("imagenet1k-simple"), t => Assert.Contains(t, all));
    }

    [Fact]
    public void Get_UnknownName_MessageListsKnown()
    {
        var e = Assert.Throws<ArgumentException>(() => ZeroShotDatasets.Get("mnist"));

        Assert.Contains("mnist", e.Message);
        Assert.Contains("cifar10, cifar100, fashion-mnist, imagenet1k", e.Message);
        Assert.Contains("imagenet1k-simple", Assert.Throws<ArgumentException>(() => ZeroShotDatasets.GetTemplates("imagenet")).Message);
    }

    [Fact]
    public void Get_ReturnedListsAreReadOnly()
    {
        var names = ZeroShotDatasets.Get("cifar10").ClassNames;

        Assert.ThrowsAny<NotSupportedException>(() => ((IList<string>)names)[0] = "x");
    }

    [Fact]
    public void ReadClassNames_Lines_TrimmedBlankLinesSkipped()
    {
        var path = Write("names.txt", "cat\r\n  dog \n\n\tsea lion\n");

        Assert.Equal(["cat", "dog", "sea lion"], ZeroShotDatasets.ReadClassNames(path));
    }

    [Fact]
    public void ReadClassNames_JsonArray_KeptVerbatim()
    {
        var path = Write("names.json", """ ["cat", " dog", "dog"] """);

        Assert.Equal(["cat", " dog", "dog"], ZeroShotDatasets.ReadClassNames(path));
    }

    [Fact]
    public void ReadClassNames_ANameTwice_InvalidDataNamingBothEntries()
    {
        var path = Write("names.json", """ ["cat", " dog", "cat"] """);

        Assert.Contains("entry 2: class name 'cat' repeats entry 0", Assert.Throws<InvalidDataException>(() => ZeroShotDatasets.ReadClassNames(path)).Message);
    }

    [Theory]
    [InlineData("", "no class names")]
    [InlineData("\n \n", "no class names")]
    [InlineData("[\"cat\", 3]", "entry 1")]
    [InlineData("[\"cat\", \"\"]", "entry 1")]
    [InlineData("[\"cat\"", "not a valid JSON")]
    public void ReadClassNames_Bad_InvalidDataNamingFileAndEntry(string content, string expected)
    {
        var path = Write("bad.txt", content);

        var e = Assert.Throws<InvalidDataException>(() => ZeroShotDatasets.ReadClassNames(path));

        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ReadClassNames_Missing_FileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => ZeroShotDatasets.ReadClassNames(Path.Combine(_dir, "none.txt")));
    }

    [Fact]
    public void ReadTemplates_LinesAndJson_BothPlaceholdersAccepted()
    {
        Assert.Equal(["a photo of a {}.", "a {c} in snow"], ZeroShotDatasets.ReadTemplates(Write("t.txt", "a photo of a {}.\na {c} in snow\n")));
        Assert.Equal(["art of {}"], ZeroShotDatasets.ReadTemplates(Write("t.json", "[\"art of {}\"]")));
    }

    [Fact]
    public void ReadTemplates_NoPlaceholder_NamesFileAndLine()
    {
        var path = Write("t.txt", "a photo of a {}.\n\na photo\n");

        var e = Assert.Throws<InvalidDataException>(() => ZeroShotDatasets.ReadTemplates(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("line 3", e.Message);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
