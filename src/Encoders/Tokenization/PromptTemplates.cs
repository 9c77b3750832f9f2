namespace MultiModal.Encoders.Tokenization;

/// <summary>
/// Prompt templates such as <c>"a photo of a {}."</c>: the class name replaces <c>{}</c> (OpenAI's notebook) or
/// <c>{c}</c> (OpenCLIP's <c>zero_shot_metadata.py</c> lambdas written as strings). Zero-shot classifiers and
/// captions for classification sets in training share this one syntax.
/// </summary>
public static class PromptTemplates
{
    /// <summary>The placeholder of OpenAI's templates.</summary>
    public const string Placeholder = "{}";

    /// <summary>The named placeholder, also accepted.</summary>
    public const string NamedPlaceholder = "{c}";

    /// <summary>A single plain template, the usual CLIP default.</summary>
    public static IReadOnlyList<string> Default { get; } = ["a photo of a {}."];

    /// <summary>Whether <paramref name="template"/> holds a placeholder.</summary>
    public static bool HasPlaceholder(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template.Contains(Placeholder, StringComparison.Ordinal) || template.Contains(NamedPlaceholder, StringComparison.Ordinal);
    }

    /// <summary>Formats one prompt: every placeholder is replaced by <paramref name="className"/>.</summary>
    /// <exception cref="ArgumentException">The template has no placeholder.</exception>
    public static string Format(string template, string className)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(className);
        if (!HasPlaceholder(template))
        {
            throw new ArgumentException($"Template '{template}' has no '{Placeholder}' or '{NamedPlaceholder}' placeholder for the class name.", nameof(template));
        }
        // One left-to-right pass, so braces inside the class name are never substituted again.
        var result = new System.Text.StringBuilder(template.Length + className.Length);
        for (var i = 0; i < template.Length;)
        {
            if (string.CompareOrdinal(template, i, Placeholder, 0, Placeholder.Length) == 0)
            {
                result.Append(className);
                i += Placeholder.Length;
            }
            else if (string.CompareOrdinal(template, i, NamedPlaceholder, 0, NamedPlaceholder.Length) == 0)
            {
                result.Append(className);
                i += NamedPlaceholder.Length;
            }
            else
            {
                result.Append(template[i++]);
            }
        }
        return result.ToString();
    }

    /// <summary>
    /// Checks a template list: at least one, none null or blank, each with a placeholder. Messages name the index.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty or a template is blank or lacks a placeholder.</exception>
    public static void Validate(IReadOnlyList<string> templates, string paramName = "templates")
    {
        ArgumentNullException.ThrowIfNull(templates, paramName);
        if (templates.Count == 0)
        {
            throw new ArgumentException("No templates: give at least one, e.g. \"a photo of a {}.\".", paramName);
        }
        for (var i = 0; i < templates.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(templates[i]))
            {
                throw new ArgumentException($"Template {i} is empty.", paramName);
            }
            if (!HasPlaceholder(templates[i]))
            {
                throw new ArgumentException($"Template {i} ('{templates[i]}') has no '{Placeholder}' or '{NamedPlaceholder}' placeholder for the class name.", paramName);
            }
        }
    }
}
