namespace MultiModal.Eval;

/// <summary>
/// Image→text and text→image recall@k (CLIP_benchmark's <c>zeroshot_retrieval</c>) from a caption × image score
/// matrix or from embeddings, with deterministic tie-breaking.
/// </summary>
/// <remarks>
/// <para>
/// Definitions (as in CLIP-like papers and CLIP_benchmark, where a query scores 1 when at least one true item is
/// retrieved): a caption is a hit at k when its own image is among the first k images retrieved for it; an image is
/// a hit at k when any of its captions is among the first k captions retrieved for it. Recall@k is the mean hit rate
/// over queries. Images without captions are not image→text queries (CLIP_benchmark would count them as misses) but
/// stay in the gallery as distractors for text→image.
/// </para>
/// <para>
/// Ranking: items are ordered by score, highest first; equal scores are ordered by index, lower first (dataset order
/// of images; caption order, i.e. sample order then caption order within a sample). A k at or above the gallery size
/// makes every query a hit (<c>torch.topk</c> would refuse it).
/// </para>
/// <para>
/// Cost: one pass over all caption × image scores, O(T·N·D) for embeddings, parallel over captions, with O(N) memory
/// per worker; the score matrix is never held whole (COCO's 25k × 5k would take 500 MB).
/// </para>
/// </remarks>
public static class RetrievalMetrics
{
    /// <summary>The k's reported by default: 1, 5 and 10.</summary>
    public static IReadOnlyList<int> DefaultKs { get; } = [1, 5, 10];

    private const int BlockSize = 64;

    /// <summary>Recall@k from a precomputed score matrix.</summary>
    /// <param name="textImageScores">Score of each caption against each image (higher is closer), [T][N].</param>
    /// <param name="textImage">The index of each caption's image, T entries in [0, N).</param>
    /// <param name="ks">The k's, each ≥ 1 (default <see cref="DefaultKs"/>).</param>
    /// <exception cref="ArgumentException">No captions, no images, ragged rows, a caption image out of range, a NaN score, or a bad k.</exception>
    public static RetrievalScores Compute(IReadOnlyList<float[]> textImageScores, IReadOnlyList<int> textImage, IReadOnlyList<int>? ks = null)
    {
        int images = VectorMath.CheckRows(textImageScores, nameof(textImageScores));
        return Core(textImageScores.Count, images, textImage, ks, (t, row) => textImageScores[t].CopyTo(row), (t, i) => textImageScores[t][i], null, default);
    }

    /// <summary>Recall@k from embeddings: scores are dot products (cosine similarities for unit-length embeddings).</summary>
    /// <param name="imageEmbeddings">One row per image, [N][D].</param>
    /// <param name="textEmbeddings">One row per caption, [T][D].</param>
    /// <param name="textImage">The index of each caption's image, T entries in [0, N).</param>
    /// <param name="ks">The k's, each ≥ 1 (default <see cref="DefaultKs"/>).</param>
    /// <param name="progress">Receives the number of captions scored so far.</param>
    /// <param name="cancellationToken">Stops between blocks of captions.</param>
    /// <exception cref="ArgumentException">As <see cref="Compute"/>, or widths that differ.</exception>
    public static RetrievalScores FromEmbeddings(IReadOnlyList<float[]> imageEmbeddings, IReadOnlyList<float[]> textEmbeddings, IReadOnlyList<int> textImage,
        IReadOnlyList<int>? ks = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        int width = VectorMath.CheckRows(imageEmbeddings, nameof(imageEmbeddings));
        VectorMath.CheckRows(textEmbeddings, nameof(textEmbeddings), width);
        return Core(textEmbeddings.Count, imageEmbeddings.Count, textImage, ks,
            (t, row) =>
            {
                var text = textEmbeddings[t];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = VectorMath.Dot(text, imageEmbeddings[i]);
                }
            },
            (t, i) => VectorMath.Dot(textEmbeddings[t], imageEmbeddings[i]),
            progress, cancellationToken);
    }

    /// <summary>
    /// The one implementation: <paramref name="fillRow"/> writes caption t's scores over all images and
    /// <paramref name="score"/> gives one of them (the two must agree bit for bit).
    /// </summary>
    private static RetrievalScores Core(int texts, int images, IReadOnlyList<int> textImage, IReadOnlyList<int>? ks,
        Action<int, float[]> fillRow, Func<int, int, float> score, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(textImage);
        var kList = CheckKs(ks ?? DefaultKs);
        if (texts == 0 || images == 0)
        {
            throw new ArgumentException($"Retrieval needs captions and images; got {texts} captions and {images} images.", nameof(textImage));
        }
        if (textImage.Count != texts)
        {
            throw new ArgumentException($"{textImage.Count} caption image indices for {texts} captions.", nameof(textImage));
        }

        // Each image's best caption (highest score; ties: lower caption index): the image is a hit at k exactly when
        // fewer than k captions rank ahead of it.
        var bestText = new int[images];
        var bestScore = new float[images];
        Array.Fill(bestText, -1);
        for (var t = 0; t < texts; t++)
        {
            int i = textImage[t];
            if (i < 0 || i >= images)
            {
                throw new ArgumentException($"Caption {t} belongs to image {i}, outside [0, {images}).", nameof(textImage));
            }
            float s = score(t, i);
            if (float.IsNaN(s))
            {
                throw new ArgumentException($"The score of caption {t} and its image {i} is NaN.", nameof(textImage));
            }
            if (bestText[i] < 0 || s > bestScore[i])
            {
                bestText[i] = t;
                bestScore[i] = s;
            }
        }

        // textRank[t]: images ranked ahead of caption t's own image. ahead[i]: captions ranked ahead of image i's best.
        var textRank = new int[texts];
        var ahead = new int[images];
        var gate = new object();
        int done = 0;
        int blocks = (texts + BlockSize - 1) / BlockSize;
        ParallelBlocks.Run(blocks, cancellationToken, () => (Row: new float[images], Ahead: new int[images]), (block, local) =>
        {
            int end = Math.Min(texts, (block + 1) * BlockSize);
            for (var t = block * BlockSize; t < end; t++)
            {
                fillRow(t, local.Row);
                textRank[t] = ScoreRow(t, local.Row, textImage[t], bestText, bestScore, local.Ahead);
            }
            lock (gate)
            {
                done += end - block * BlockSize;
                progress?.Report(done);
            }
        }, local =>
        {
            for (var i = 0; i < images; i++)
            {
                ahead[i] += local.Ahead[i];
            }
        });

        int imageQueries = bestText.Count(t => t >= 0);
        var recalls = new RecallAtK[kList.Length];
        for (var j = 0; j < kList.Length; j++)
        {
            int k = kList[j];
            int textHits = textRank.Count(r => r < k);
            int imageHits = Enumerable.Range(0, images).Count(i => bestText[i] >= 0 && ahead[i] < k);
            recalls[j] = new RecallAtK(k, (double)textHits / texts, (double)imageHits / imageQueries);
        }
        return new RetrievalScores(recalls, images, texts, imageQueries);
    }

    /// <summary>Ranks caption t's own image in its row and counts t against every image's best caption.</summary>
    private static int ScoreRow(int t, float[] row, int own, int[] bestText, float[] bestScore, int[] ahead)
    {
        float ownScore = row[own];
        int rank = 0;
        for (var i = 0; i < row.Length; i++)
        {
            float s = row[i];
            if (float.IsNaN(s))
            {
                throw new ArgumentException($"The score of caption {t} and image {i} is NaN.");
            }
            if (i != own && (s > ownScore || (s == ownScore && i < own)))
            {
                rank++;
            }
            int best = bestText[i];
            if (best >= 0 && t != best && (s > bestScore[i] || (s == bestScore[i] && t < best)))
            {
                ahead[i]++;
            }
        }
        return rank;
    }

    private static int[] CheckKs(IReadOnlyList<int> ks)
    {
        if (ks.Count == 0)
        {
            throw new ArgumentException("No k's: give at least one, e.g. 1, 5, 10.", nameof(ks));
        }
        foreach (var k in ks)
        {
            if (k < 1)
            {
                throw new ArgumentException($"k must be ≥ 1, got {k}.", nameof(ks));
            }
        }
        if (ks.Distinct().Count() != ks.Count)
        {
            throw new ArgumentException($"Repeated k in [{string.Join(", ", ks)}].", nameof(ks));
        }
        return ks.ToArray();
    }
}
