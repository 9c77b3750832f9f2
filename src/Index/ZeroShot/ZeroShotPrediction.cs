namespace MultiModal.Index.ZeroShot;

/// <summary>The zero-shot prediction for one image.</summary>
/// <param name="ImageIndex">The image's position in the input.</param>
/// <param name="Top">The k most probable classes, most probable first (ties: lower class index first).</param>
public sealed record ZeroShotPrediction(int ImageIndex, IReadOnlyList<ZeroShotLabel> Top);
