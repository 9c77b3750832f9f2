using System.Text;
using System.Text.Json;

namespace MultiModal.Training.Logging;

/// <summary>Appends one JSON object per logged step to <c>metrics.jsonl</c> (flushed per line, so a crash loses none).</summary>
internal sealed class MetricsLog : IDisposable
{
    private readonly FileStream _stream;

    public MetricsLog(string path)
    {
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    public void Write(StepMetrics m)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("step", m.Step);
            w.WriteNumber("epoch", m.Epoch);
            Number(w, "loss", m.Loss);
            Number(w, "loss_i2t", m.ImageToText);
            Number(w, "loss_t2i", m.TextToImage);
            Number(w, "acc_i2t", m.ImageToTextAccuracy);
            Number(w, "acc_t2i", m.TextToImageAccuracy);
            Number(w, "lr", m.LearningRate);
            Number(w, "logit_scale", m.LogitScale);
            Number(w, "grad_norm", m.GradNorm);
            Number(w, "samples_per_s", m.SamplesPerSecond);
            Number(w, "data_wait_fraction", m.DataWaitFraction);
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        _stream.Flush();
    }

    public void Dispose() => _stream.Dispose();

    // JSON has no NaN/Infinity: non-finite values are written as null.
    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
