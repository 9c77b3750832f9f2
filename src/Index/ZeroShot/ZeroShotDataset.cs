namespace MultiModal.Index.ZeroShot;

/// <summary>A built-in class list with its recommended prompt templates.</summary>
/// <param name="Name">The dataset name (<c>cifar10</c>, <c>cifar100</c>, <c>imagenet1k</c>).</param>
/// <param name="Source">Where the names and templates come from.</param>
/// <param name="ClassNames">Class names in label order (duplicates kept as published).</param>
/// <param name="Templates">The dataset's default template set (the one named like the dataset).</param>
public sealed record ZeroShotDataset(string Name, string Source, IReadOnlyList<string> ClassNames, IReadOnlyList<string> Templates);
