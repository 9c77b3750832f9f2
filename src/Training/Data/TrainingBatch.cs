namespace MultiModal.Training.Data;

/// <summary>
/// One training batch as the loader hands it to the trainer: preprocessed (and augmented) pixels, token ids for one
/// caption per image, labels and the samples' dataset indices. Host arrays, so the trainer chooses the device.
/// </summary>
/// <param name="Count">Samples in the batch (B).</param>
/// <param name="Pixels">Row-major image inputs, B × <see cref="ImageShape"/> floats.</param>
/// <param name="ImageShape">Shape of one image input, e.g. [3, 224, 224].</param>
/// <param name="TokenIds">Row-major token ids, B × <see cref="ContextLength"/>.</param>
/// <param name="AttentionMask">Row-major 1/0 mask beside <see cref="TokenIds"/> for towers that take one (BERT), else null.</param>
/// <param name="ContextLength">Tokens per caption (L).</param>
/// <param name="Labels">Class labels (-1 when the dataset has none), B entries.</param>
/// <param name="SampleIndices">Dataset indices of the samples, B entries.</param>
public sealed record TrainingBatch(
    int Count,
    float[] Pixels,
    int[] ImageShape,
    long[] TokenIds,
    long[]? AttentionMask,
    int ContextLength,
    int[] Labels,
    int[] SampleIndices);
