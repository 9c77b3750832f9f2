using MultiModal.Encoders.Imaging;
using MultiModal.Encoders.Tokenization;

namespace MultiModal.Training;

/// <summary>What a CLIP batch loader needs from the model being trained: its tokenizer and its image preprocessing.</summary>
/// <param name="Tokenizer">Tokenises captions into the model's context length; null when a CLIP trained from an
/// architecture was given no <c>model.tokenizer</c> (a loader that tokenises must then refuse).</param>
/// <param name="Preprocess">Image size, mean/std and resampling of the model's vision tower.</param>
public sealed record ClipInputs(ClipTokenizer? Tokenizer, ImagePreprocessOptions Preprocess);
