namespace MultiModal.Training.Probe;

/// <summary>The linear probe's outcome.</summary>
/// <param name="TrainAccuracy">Top-1 accuracy on the features it was fitted on.</param>
/// <param name="EvalAccuracy">Top-1 accuracy on the held-out split.</param>
/// <param name="TrainCount">Training samples.</param>
/// <param name="EvalCount">Evaluation samples.</param>
/// <param name="Classes">Number of classes.</param>
/// <param name="FinalLoss">Training cross-entropy after the last step.</param>
public sealed record LinearProbeReport(double TrainAccuracy, double EvalAccuracy, int TrainCount, int EvalCount, int Classes, double FinalLoss);
