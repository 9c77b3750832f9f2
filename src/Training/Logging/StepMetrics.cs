namespace MultiModal.Training.Logging;

/// <summary>The numbers logged for one optimiser step.</summary>
/// <param name="Step">Optimiser steps completed (1 after the first).</param>
/// <param name="Epoch">The epoch the step's last batch came from.</param>
/// <param name="Loss">Total contrastive loss.</param>
/// <param name="ImageToText">Image→text cross-entropy.</param>
/// <param name="TextToImage">Text→image cross-entropy.</param>
/// <param name="ImageToTextAccuracy">In-batch image→text top-1 accuracy.</param>
/// <param name="TextToImageAccuracy">In-batch text→image top-1 accuracy.</param>
/// <param name="LearningRate">Base learning rate used.</param>
/// <param name="LogitScale">exp(logit_scale) after the step.</param>
/// <param name="GradNorm">Global gradient L2 norm before clipping.</param>
/// <param name="SamplesPerSecond">Throughput since the previous log line.</param>
/// <param name="DataWaitFraction">Share of that time spent waiting for batches.</param>
public sealed record StepMetrics(
    long Step,
    int Epoch,
    double Loss,
    double ImageToText,
    double TextToImage,
    double ImageToTextAccuracy,
    double TextToImageAccuracy,
    double LearningRate,
    double LogitScale,
    double GradNorm,
    double SamplesPerSecond,
    double DataWaitFraction);
