namespace MultiModal.Training.Config;

/// <summary>The <c>model</c> section of a training config.</summary>
public sealed record ModelSection
{
    /// <summary>CLIP network or projected dual encoder.</summary>
    public ModelKind Kind { get; init; } = ModelKind.Clip;

    /// <summary>CLIP only: a named architecture (<c>ViT-B-32</c>, ...) to train from random weights (seeded by <see cref="TrainingConfig.Seed"/>).</summary>
    public string? Architecture { get; init; }

    /// <summary>CLIP only: a model folder to fine-tune (OpenCLIP hub, Hugging Face or this library's layout).</summary>
    public string? ModelDir { get; init; }

    /// <summary>Dual only: the frozen image tower's name (e.g. <c>onnx-resnet18</c>).</summary>
    public string? ImageTower { get; init; }

    /// <summary>Dual only: the frozen text tower's name (e.g. <c>onnx-minilm-l6</c>).</summary>
    public string? TextTower { get; init; }

    /// <summary>Dual only: width of the shared space the heads project into.</summary>
    public int EmbedDim { get; init; } = 256;

    /// <summary>
    /// CLIP tokenizer for a clip model trained from <see cref="Architecture"/> (a <c>bpe_simple_vocab_16e6.txt.gz</c>
    /// file or a folder with vocab.json + merges.txt): the data loader tokenises captions with it, and the final model
    /// folder is saved complete (loadable by <c>ClipModel.Load</c>) when it is given. A <see cref="ModelDir"/> brings its own.
    /// </summary>
    public string? Tokenizer { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate(TrainingMode mode)
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentOutOfRangeException("model.kind", Kind, "model.kind must be clip or dual.");
        }
        if (Kind == ModelKind.Clip)
        {
            if (string.IsNullOrWhiteSpace(Architecture) == string.IsNullOrWhiteSpace(ModelDir))
            {
                throw new ArgumentOutOfRangeException("model.architecture", "A clip model needs exactly one of model.architecture and model.model_dir.");
            }
            if (ImageTower is not null || TextTower is not null)
            {
                throw new ArgumentOutOfRangeException("model.image_tower", "model.image_tower and model.text_tower apply to model.kind dual only.");
            }
            return;
        }
        if (string.IsNullOrWhiteSpace(ImageTower))
        {
            throw new ArgumentOutOfRangeException("model.image_tower", "A dual model needs model.image_tower.");
        }
        if (string.IsNullOrWhiteSpace(TextTower))
        {
            throw new ArgumentOutOfRangeException("model.text_tower", "A dual model needs model.text_tower.");
        }
        if (Architecture is not null || ModelDir is not null)
        {
            throw new ArgumentOutOfRangeException("model.architecture", "model.architecture and model.model_dir apply to model.kind clip only.");
        }
        if (EmbedDim <= 0)
        {
            throw new ArgumentOutOfRangeException("model.embed_dim", EmbedDim, "model.embed_dim must be positive.");
        }
        if (mode == TrainingMode.Full)
        {
            throw new ArgumentOutOfRangeException("mode", "A dual model's towers are frozen external encoders: use mode lit or projections (the heads train), or linear-probe.");
        }
    }
}
