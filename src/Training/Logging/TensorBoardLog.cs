using TorchSharp.Modules;
using static TorchSharp.torch.utils;

namespace MultiModal.Training.Logging;

/// <summary>Scalars for <c>tensorboard --logdir OUTPUT/tensorboard</c>, through TorchSharp's <c>SummaryWriter</c>.</summary>
/// <remarks>TorchSharp's writer takes <c>int</c> steps (steps beyond 2^31 are written as int.MaxValue) and stamps each event with Unix seconds.</remarks>
internal sealed class TensorBoardLog
{
    private readonly SummaryWriter _writer;

    public TensorBoardLog(string directory)
    {
        Directory.CreateDirectory(directory);
        _writer = tensorboard.SummaryWriter(directory);
    }

    public void Write(StepMetrics m)
    {
        int step = (int)Math.Min(m.Step, int.MaxValue);
        Scalar("train/loss", m.Loss);
        Scalar("train/loss_i2t", m.ImageToText);
        Scalar("train/loss_t2i", m.TextToImage);
        Scalar("train/acc_i2t", m.ImageToTextAccuracy);
        Scalar("train/acc_t2i", m.TextToImageAccuracy);
        Scalar("train/lr", m.LearningRate);
        Scalar("train/logit_scale", m.LogitScale);
        Scalar("train/grad_norm", m.GradNorm);
        Scalar("train/samples_per_s", m.SamplesPerSecond);
        Scalar("train/data_wait_fraction", m.DataWaitFraction);

        void Scalar(string tag, double value)
        {
            if (double.IsFinite(value))
            {
                _writer.add_scalar(tag, (float)value, step);
            }
        }
    }
}
