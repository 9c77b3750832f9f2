using MultiModal.Encoders.Tokenization;
using MultiModal.Index.ZeroShot;

namespace MultiModal.Index.Tests.ZeroShot;

public sealed class PromptTemplatesTests
{
    [Theory]
    [InlineData("a photo of a {}.", "dog", "a photo of a dog.")]
    [InlineData("a photo of a {c}.", "dog", "a photo of a dog.")]
    [InlineData("{} and {}", "cat", "cat and cat")]
    [InlineData("itap of my {}.", "crane bird", "itap of my crane bird.")]
    public void Format_Placeholder_ReplacedByClassName(string template, string name, string expected)
    {
        Assert.Equal(expected, PromptTemplates.Format(template, name));
    }

    [Fact]
    public void Format_ClassNameContainingBraces_NotReformatted()
    {
        // The name is inserted verbatim, once; placeholders inside the name are not substituted again.
        Assert.Equal("a {c} thing", PromptTemplates.Format("a {} thing", "{c}"));
        Assert.Equal("a x{} thing", PromptTemplates.Format("a {c} thing", "x{}"));
    }

    [Fact]
    public void Format_NoPlaceholder_ThrowsNamingTemplate()
    {
        var e = Assert.Throws<ArgumentException>(() => PromptTemplates.Format("a photo of a dog.", "dog"));

        Assert.Contains("a photo of a dog.", e.Message);
    }

    [Fact]
    public void Validate_BadLists_ThrowNamingIndex()
    {
        Assert.Throws<ArgumentException>(() => PromptTemplates.Validate([]));
        Assert.Contains("Template 1", Assert.Throws<ArgumentException>(() => PromptTemplates.Validate(["a {}", "  "])).Message);
        Assert.Contains("Template 2", Assert.Throws<ArgumentException>(() => PromptTemplates.Validate(["a {}", "{c}", "photo"])).Message);
    }
}
