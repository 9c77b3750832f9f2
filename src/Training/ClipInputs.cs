using MultiModal.Encoders.Imaging;
using MultiModal.Encoders.Tokenization;

namespace MultiModal.Training;

/// <summary>What a CLIP batch loader needs from the model being trained: its tokenizer and its image preprocessing.</summary>
/// <param name="Tokenizer">Tokenises captions into the model's context length.</param>
/// <param name="Preprocess">Image size, mean/std and resampling of the model's vision tower.</param>
public sealed record ClipInputs(ClipTokenizer Tokenizer, ImagePreprocessOptions Preprocess);
