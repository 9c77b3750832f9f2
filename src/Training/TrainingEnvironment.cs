using MultiModal.Encoders.Dual;
using MultiModal.Training.Config;
using MultiModal.Training.Data;

namespace MultiModal.Training;

/// <summary>
/// The outside pieces a <see cref="Trainer"/> is built with: how datasets open and batches load, and how the dual
/// encoder's frozen towers are made. The CLI fills it from the data library and the ONNX towers; tests fill it with
/// in-memory doubles. Each piece is needed only by the modes that use it.
/// </summary>
public sealed record TrainingEnvironment
{
    /// <summary>The image-text batch source for CLIP training (the seeded, resumable loader over <c>data.train</c>).</summary>
    public Func<TrainingConfig, IBatchSource<TrainingBatch>>? ClipBatches { get; init; }

    /// <summary>Opens a list of dataset specs as one dataset (dual-encoder feature caching and the linear probe).</summary>
    public Func<IReadOnlyList<string>, IImageTextDataset>? OpenDataset { get; init; }

    /// <summary>Builds the dual encoder's frozen towers from <c>model.image_tower</c> / <c>model.text_tower</c>.</summary>
    public DualTowerFactory? Towers { get; init; }
}
