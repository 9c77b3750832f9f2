using MultiModal.Encoders.Dual;
using MultiModal.Encoders.Imaging;
using MultiModal.Training.Config;
using MultiModal.Training.Data;

namespace MultiModal.Training;

/// <summary>
/// The outside pieces a <see cref="Trainer"/> is built with: how datasets open and batches load, and how the dual
/// encoder's frozen towers are made. <see cref="Default"/> wires the data library (<see cref="DatasetSpec"/>,
/// <see cref="DataLoader"/>) and the bundled ONNX towers; tests fill it with in-memory doubles. Each piece is needed
/// only by the modes that use it.
/// </summary>
public sealed record TrainingEnvironment
{
    /// <summary>
    /// The image-text batch source for CLIP training over <c>data.train</c>, given the model's tokenizer and image
    /// preprocessing (the seeded, resumable loader).
    /// </summary>
    public Func<TrainingConfig, ClipInputs, IBatchSource<TrainingBatch>>? ClipBatches { get; init; }

    /// <summary>Opens a list of dataset specs as one dataset (dual-encoder feature caching and the linear probe).</summary>
    public Func<IReadOnlyList<string>, IImageTextDataset>? OpenDataset { get; init; }

    /// <summary>Builds the dual encoder's frozen towers from <c>model.image_tower</c> / <c>model.text_tower</c>.</summary>
    public DualTowerFactory? Towers { get; init; }

    /// <summary>
    /// Datasets from <see cref="DatasetSpec.Open(string)"/> (several specs concatenate), CLIP batches from a
    /// <see cref="DataLoader"/> with random-resized-crop and flip augmentation (classification sets are captioned
    /// through <c>data.templates</c> with <c>data.held_out_classes</c> left out), and the bundled towers
    /// (<see cref="BundledTowers"/>) on ONNX Runtime's CPU provider.
    /// </summary>
    public static TrainingEnvironment Default { get; } = new()
    {
        OpenDataset = OpenSpecs,
        ClipBatches = LoaderBatches,
        Towers = BundledTowers.Factory(),
    };

    /// <summary>Opens and concatenates <paramref name="specs"/>.</summary>
    private static IImageTextDataset OpenSpecs(IReadOnlyList<string> specs) =>
        ConcatDataset.Create(specs.Select(DatasetSpec.Open).ToList());

    private static IBatchSource<TrainingBatch> LoaderBatches(TrainingConfig config, ClipInputs inputs)
    {
        var dataset = Trainer.LimitPerClass(OpenSpecs(config.Data.Train), config.Data.MaxPerClass);
        if (dataset.ClassNames is not null && dataset.Count > 0 && dataset[0].Captions.Count == 0)
        {
            if (config.Data.HeldOutClasses.Count > 0)
            {
                dataset = ClassSubsetDataset.Exclude(dataset, ClassSubsetDataset.LabelsOf(dataset, config.Data.HeldOutClasses));
            }
            dataset = TemplateCaptionDataset.Create(dataset, config.Data.Templates);
        }
        var loader = DataLoader.Create(
            dataset,
            ClipImageTransform.Create(ImagePreprocessor.Create(inputs.Preprocess), new ImageAugmentationOptions()),
            ClipTextTransform.Create(inputs.Tokenizer ?? throw new ArgumentOutOfRangeException("model.tokenizer", "A clip model trained from model.architecture needs model.tokenizer (bpe_simple_vocab_16e6.txt.gz or a folder with vocab.json + merges.txt) to tokenise captions.")),
            new DataLoaderOptions { BatchSize = config.BatchSize, Seed = config.Seed, DropLast = true, Workers = Math.Max(1, Environment.ProcessorCount) });
        return new LoaderBatchSource(loader);
    }

    /// <summary>The data loader as the trainer's batch source: epochs and resume positions map one to one.</summary>
    private sealed class LoaderBatchSource(DataLoader loader) : IBatchSource<TrainingBatch>
    {
        public int BatchesPerEpoch => loader.BatchesPerEpoch;

        public IEnumerable<TrainingBatch> Read(int epoch, int startBatch, CancellationToken cancellationToken) =>
            loader.ReadEpoch(epoch, startBatch, null, cancellationToken);
    }
}
