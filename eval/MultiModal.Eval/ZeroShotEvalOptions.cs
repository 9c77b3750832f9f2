using MultiModal.Encoders.Tokenization;
using MultiModal.Index.ZeroShot;

namespace MultiModal.Eval;

/// <summary>Settings of a zero-shot classification evaluation.</summary>
public sealed record ZeroShotEvalOptions
{
    /// <summary>Prompt templates with a <c>{}</c> or <c>{c}</c> placeholder, ensembled per class (see <see cref="ZeroShotDatasets"/> for built-in sets).</summary>
    public required IReadOnlyList<string> Templates { get; init; }

    /// <summary>
    /// Class names to report separately, e.g. classes held out of training; null for none. Adds two groups of metrics
    /// over the samples whose label is one of these classes: with the classifier over all classes
    /// (<c>subset_*</c>: a subset sample must beat every class of the dataset, the generalised zero-shot setting) and
    /// with the ranking restricted to the subset's classes (<c>subset_restricted_*</c>: the subset as a classification
    /// problem of its own). A name matches every class of that name.
    /// </summary>
    public IReadOnlyList<string>? SubsetClasses { get; init; }

    /// <summary>Images per forward pass.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="BatchSize"/> is below 1.</exception>
    /// <exception cref="ArgumentException">The templates are empty or lack placeholders, or the subset is empty or holds a blank name.</exception>
    public void Validate()
    {
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        }
        PromptTemplates.Validate(Templates, nameof(Templates));
        if (SubsetClasses is not null && (SubsetClasses.Count == 0 || SubsetClasses.Any(string.IsNullOrWhiteSpace)))
        {
            throw new ArgumentException("SubsetClasses must hold at least one class name and no blank names (or be null).", nameof(SubsetClasses));
        }
    }
}
