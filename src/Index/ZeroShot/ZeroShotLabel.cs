namespace MultiModal.Index.ZeroShot;

/// <summary>One ranked class of a zero-shot prediction.</summary>
/// <param name="Label">The class name.</param>
/// <param name="Index">The class's position in the classifier's class list (distinguishes duplicate names).</param>
/// <param name="Probability">Softmax probability over all classes.</param>
public sealed record ZeroShotLabel(string Label, int Index, float Probability);
