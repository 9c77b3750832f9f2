using MultiModal.Encoders;
using MultiModal.Training.Data;

namespace MultiModal.Eval;

/// <summary>
/// Image-text retrieval evaluation (CLIP_benchmark's <c>zeroshot_retrieval</c>): every caption and image of a caption
/// dataset encoded, then recall@k in both directions by <see cref="RetrievalMetrics"/>.
/// </summary>
/// <remarks>
/// Each sample is one gallery image; its captions are the texts whose true image it is (COCO and Flickr30k have five
/// per image). Captions longer than the text tower's context are truncated by the encoder, as OpenCLIP's tokenizer
/// does. Ties rank the lower index first (see <see cref="RetrievalMetrics"/>).
/// </remarks>
public static class RetrievalEvaluation
{
    /// <summary>Encodes the dataset's captions and images and computes recall@k.</summary>
    /// <param name="encoder">The model (borrowed, not disposed).</param>
    /// <param name="dataset">A caption dataset: at least one sample with a caption.</param>
    /// <param name="options">The k's and batch sizes (default: recall@1, 5, 10).</param>
    /// <param name="progress">Receives each stage's progress: texts, images, scoring.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <exception cref="ArgumentException">Bad options, or a dataset without samples or captions.</exception>
    /// <exception cref="Encoders.Imaging.ImageBatchException">An image could not be read; names it.</exception>
    public static RetrievalScores Evaluate(IMultimodalEncoder encoder, IImageTextDataset dataset, RetrievalEvalOptions? options = null,
        IProgress<EvalProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new RetrievalEvalOptions();
        options.Validate();
        if (dataset.Count == 0)
        {
            throw new ArgumentException($"Dataset '{dataset.Name}' is empty.", nameof(dataset));
        }
        var samples = DatasetEncoding.ReadSamples(dataset, cancellationToken);
        var texts = new List<string>();
        var textImage = new List<int>();
        for (var i = 0; i < samples.Length; i++)
        {
            foreach (var caption in samples[i].Captions ?? [])
            {
                texts.Add(caption ?? throw new InvalidDataException($"{dataset.Name}: sample {i} ({samples[i].Image.Name}) has a null caption."));
                textImage.Add(i);
            }
        }
        if (texts.Count == 0)
        {
            throw new ArgumentException($"Dataset '{dataset.Name}' has no captions: retrieval needs a caption dataset.", nameof(dataset));
        }

        var textEmbeddings = DatasetEncoding.EncodeTexts(encoder, texts, options.TextBatchSize, progress, cancellationToken);
        var imageEmbeddings = DatasetEncoding.EncodeImages(encoder, samples, options.BatchSize, progress, cancellationToken);
        var scoring = progress is null ? null : new SyncProgress<int>(n => progress.Report(new EvalProgress(EvalStage.Scoring, n, texts.Count)));
        progress?.Report(new EvalProgress(EvalStage.Scoring, 0, texts.Count));
        return RetrievalMetrics.FromEmbeddings(imageEmbeddings, textEmbeddings, textImage, options.Ks, scoring, cancellationToken);
    }
}
