using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultiModal.Encoders.Dual;

/// <summary>
/// The trainable part of a <see cref="ProjectedDualEncoder"/>: two bias-free linear projections from the frozen
/// towers' raw features into one shared space (<c>image_projection</c> [image_dim, D], <c>text_projection</c>
/// [text_dim, D], applied as <c>features @ projection</c> like CLIP's <c>proj</c>) and the learnable
/// <c>logit_scale</c>. State-dict keys are the field names.
/// </summary>
public sealed class DualProjectionHeads : nn.Module<Tensor, Tensor, (Tensor Image, Tensor Text)>
{
#pragma warning disable IDE1006 // field names are state-dict keys
    private readonly Parameter image_projection;
    private readonly Parameter text_projection;
    private readonly Parameter logit_scale;
#pragma warning restore IDE1006

    private DualProjectionHeads(int imageFeatureDim, int textFeatureDim, int embedDim, Generator generator) : base(nameof(DualProjectionHeads))
    {
        ImageFeatureDim = imageFeatureDim;
        TextFeatureDim = textFeatureDim;
        EmbedDim = embedDim;
        // CLIP's projection initialisation (std = width^-0.5) and temperature (1/0.07).
        image_projection = nn.Parameter(randn(imageFeatureDim, embedDim, generator: generator) * Math.Pow(imageFeatureDim, -0.5));
        text_projection = nn.Parameter(randn(textFeatureDim, embedDim, generator: generator) * Math.Pow(textFeatureDim, -0.5));
        logit_scale = nn.Parameter(tensor(MathF.Log(1f / 0.07f)));
        RegisterComponents();
    }

    /// <summary>Width of the image tower's raw features.</summary>
    public int ImageFeatureDim { get; }

    /// <summary>Width of the text tower's raw features.</summary>
    public int TextFeatureDim { get; }

    /// <summary>Width of the shared embedding space.</summary>
    public int EmbedDim { get; }

    /// <summary>The learnable log temperature.</summary>
    public Parameter LogitScale => logit_scale;

    /// <summary>The image projection [image_dim, D].</summary>
    public Parameter ImageProjection => image_projection;

    /// <summary>The text projection [text_dim, D].</summary>
    public Parameter TextProjection => text_projection;

    /// <summary>Creates heads with weights drawn from a generator seeded with <paramref name="seed"/> (the global generator is not touched).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A width is not positive; names it.</exception>
    public static DualProjectionHeads Create(int imageFeatureDim, int textFeatureDim, int embedDim, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageFeatureDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(textFeatureDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embedDim);
        using var generator = new Generator((ulong)seed);
        return new DualProjectionHeads(imageFeatureDim, textFeatureDim, embedDim, generator);
    }

    /// <summary>
    /// The state dict <see cref="Create"/> would make for these widths (key → shape), derived without allocating: loaders
    /// check a heads file against it before building the heads.
    /// </summary>
    internal static IReadOnlyDictionary<string, long[]> StateShapes(int imageFeatureDim, int textFeatureDim, int embedDim) =>
        new Dictionary<string, long[]>(StringComparer.Ordinal)
        {
            [nameof(image_projection)] = [imageFeatureDim, embedDim],
            [nameof(text_projection)] = [textFeatureDim, embedDim],
            [nameof(logit_scale)] = [],
        };

    /// <summary>Projects raw image features [B, image_dim] to unnormalised embeddings [B, D].</summary>
    public Tensor ProjectImage(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        CheckWidth(features, ImageFeatureDim, nameof(features));
        return features.to(image_projection.dtype).matmul(image_projection);
    }

    /// <summary>Projects raw text features [B, text_dim] to unnormalised embeddings [B, D].</summary>
    public Tensor ProjectText(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        CheckWidth(features, TextFeatureDim, nameof(features));
        return features.to(text_projection.dtype).matmul(text_projection);
    }

    /// <summary>Both projections (unnormalised).</summary>
    public override (Tensor Image, Tensor Text) forward(Tensor imageFeatures, Tensor textFeatures) =>
        (ProjectImage(imageFeatures), ProjectText(textFeatures));

    private static void CheckWidth(Tensor features, int width, string name)
    {
        if (features.dim() != 2 || features.shape[1] != width)
        {
            throw new ArgumentException($"Expected features of shape [B, {width}], got [{string.Join(", ", features.shape)}].", name);
        }
    }
}
