using MultiModal.Encoders.Tokenization;

namespace MultiModal.Training.Data;

/// <summary>
/// A classification set seen as an image–caption set: each sample's captions are its class name formatted through
/// every template (<c>"a photo of a {}."</c> → <c>"a photo of a Sneaker."</c>), in template order; the loader picks one
/// per epoch with its seeded generator. Labels and class names pass through unchanged.
/// </summary>
/// <remarks>Thread-safe when the inner dataset is: captions are formatted once, at creation.</remarks>
public sealed class TemplateCaptionDataset : IImageTextDataset
{
    private readonly IImageTextDataset inner;
    private readonly string[][] captionsByClass;

    private TemplateCaptionDataset(IImageTextDataset inner, IReadOnlyList<string> templates, string[][] captionsByClass)
    {
        this.inner = inner;
        Templates = templates;
        this.captionsByClass = captionsByClass;
    }

    /// <inheritdoc/>
    public string Name => inner.Name;

    /// <inheritdoc/>
    public int Count => inner.Count;

    /// <inheritdoc/>
    public IReadOnlyList<string>? ClassNames => inner.ClassNames;

    /// <summary>The templates, in caption order.</summary>
    public IReadOnlyList<string> Templates { get; }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The inner sample's label is outside the class list.</exception>
    public ImageTextSample this[int index]
    {
        get
        {
            ImageTextSample sample = inner[index];
            if ((uint)sample.Label >= (uint)captionsByClass.Length)
            {
                throw new InvalidOperationException($"{inner.Name}#{index}: label {sample.Label} is outside [0, {captionsByClass.Length})");
            }
            return sample with { Captions = captionsByClass[sample.Label] };
        }
    }

    /// <summary>Wraps <paramref name="classification"/>, which must have <see cref="IImageTextDataset.ClassNames"/>.</summary>
    /// <param name="classification">A labelled dataset (IDX, CIFAR, ImageFolder, a class subset...).</param>
    /// <param name="templates">Templates with a <c>{}</c> or <c>{c}</c> placeholder; null means <see cref="PromptTemplates.Default"/>.</param>
    /// <exception cref="ArgumentException">The dataset has no class names, or a template is invalid.</exception>
    public static TemplateCaptionDataset Create(IImageTextDataset classification, IReadOnlyList<string>? templates = null)
    {
        ArgumentNullException.ThrowIfNull(classification);
        templates ??= PromptTemplates.Default;
        PromptTemplates.Validate(templates);
        IReadOnlyList<string> names = classification.ClassNames
            ?? throw new ArgumentException($"Dataset {classification.Name} has no class names to caption.", nameof(classification));
        string[] copy = templates.ToArray();
        string[][] captions = names.Select(n => copy.Select(t => PromptTemplates.Format(t, n)).ToArray()).ToArray();
        return new TemplateCaptionDataset(classification, copy, captions);
    }
}
