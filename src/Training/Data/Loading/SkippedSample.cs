namespace MultiModal.Training.Data;

/// <summary>A sample the loader skipped (corrupt or unreadable image), reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="Epoch">The epoch being read.</param>
/// <param name="Batch">The batch the sample was meant for.</param>
/// <param name="SampleIndex">The dataset index of the skipped sample.</param>
/// <param name="ImageName">The image's name (file path or <c>dataset#index</c>).</param>
/// <param name="Problem">The exception message, which names the image and the problem.</param>
/// <param name="TotalSkipped">The loader's skip count including this one.</param>
public sealed record SkippedSample(int Epoch, int Batch, int SampleIndex, string ImageName, string Problem, long TotalSkipped);
