namespace MultiModal.Encoders.Checkpoints;

/// <summary>How one model tensor is made from checkpoint tensors.</summary>
internal enum RecipeKind
{
    /// <summary>The single source tensor as it is.</summary>
    Copy,

    /// <summary>The single 2-D source tensor transposed (Hugging Face stores projections as nn.Linear weights).</summary>
    Transpose,

    /// <summary>The sources concatenated along dimension 0 (separate q/k/v projections into a packed one).</summary>
    Concat,
}

/// <summary>One entry of a key map: the model key, the checkpoint keys it reads and how.</summary>
internal sealed record TensorRecipe(string Target, string[] Sources, RecipeKind Kind)
{
    public static TensorRecipe Copy(string target, string source) => new(target, [source], RecipeKind.Copy);
}
