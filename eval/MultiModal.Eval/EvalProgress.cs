namespace MultiModal.Eval;

/// <summary>How far an evaluation has got within one stage.</summary>
/// <param name="Stage">The stage running.</param>
/// <param name="Completed">Items of the stage done so far.</param>
/// <param name="Total">Items of the stage in all.</param>
public sealed record EvalProgress(EvalStage Stage, int Completed, int Total);
