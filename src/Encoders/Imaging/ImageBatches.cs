namespace MultiModal.Encoders.Imaging;

/// <summary>Decodes one image into a destination of <c>3 · S · S</c> floats (CHW).</summary>
internal delegate void StreamPreprocessor(Stream stream, string sourceName, Span<float> destination);

/// <summary>
/// The batching loop of every image tower (<see cref="ClipModel"/> and the ONNX towers): images of the next batch are
/// decoded in parallel on worker threads while the current batch runs through the network; rows follow the input order.
/// </summary>
internal static class ImageBatches
{
    /// <param name="paths">Image files.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="preprocessBatch">Decodes a slice of paths in parallel into [n, 3, S, S]; throws <see cref="ImageBatchException"/> with the index within the slice.</param>
    /// <param name="encode">Runs the network on [n, 3, S, S] pixels and returns n rows.</param>
    /// <param name="progress">Receives the count encoded after each batch.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    public static float[][] EncodePaths(IReadOnlyList<string> paths, int batchSize, Func<IReadOnlyList<string>, CancellationToken, float[]> preprocessBatch,
        Func<float[], int, float[][]> encode, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var result = new float[paths.Count][];
        Task<float[]>? next = paths.Count > 0 ? Prefetch(paths, 0, Math.Min(batchSize, paths.Count), preprocessBatch, cancellationToken) : null;
        try
        {
            for (var start = 0; start < paths.Count; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(batchSize, paths.Count - start);
                var pixels = next!.GetAwaiter().GetResult();
                int nextStart = start + batchSize;
                next = nextStart < paths.Count ? Prefetch(paths, nextStart, Math.Min(batchSize, paths.Count - nextStart), preprocessBatch, cancellationToken) : null;
                encode(pixels, count).CopyTo(result, start);
                progress?.Report(start + count);
            }
        }
        finally
        {
            // On failure or cancellation the prefetch may still run: observe its outcome so no exception goes unobserved.
            next?.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }
        return result;
    }

    /// <param name="streams">Encoded images, each read to its end.</param>
    /// <param name="names">Labels for errors, or null for "stream #i".</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="plane">Floats per image (3 · S · S).</param>
    /// <param name="preprocess">Decodes one image.</param>
    /// <param name="encode">Runs the network on [n, 3, S, S] pixels and returns n rows.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    public static float[][] EncodeStreams(IReadOnlyList<Stream> streams, IReadOnlyList<string>? names, int batchSize, int plane,
        StreamPreprocessor preprocess, Func<float[], int, float[][]> encode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (names is not null && names.Count != streams.Count)
        {
            throw new ArgumentException($"{names.Count} names for {streams.Count} streams.", nameof(names));
        }
        var result = new float[streams.Count][];
        for (var start = 0; start < streams.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, streams.Count - start);
            var pixels = new float[(long)count * plane];
            for (var i = 0; i < count; i++)
            {
                var name = names?[start + i] ?? $"stream #{start + i}";
                try
                {
                    preprocess(streams[start + i], name, pixels.AsSpan(i * plane, plane));
                }
                catch (ImageDecodeException e)
                {
                    throw new ImageBatchException(start + i, name, e);
                }
            }
            encode(pixels, count).CopyTo(result, start);
        }
        return result;
    }

    private static Task<float[]> Prefetch(IReadOnlyList<string> paths, int start, int count,
        Func<IReadOnlyList<string>, CancellationToken, float[]> preprocessBatch, CancellationToken ct) =>
        Task.Run(() =>
        {
            var slice = new string[count];
            for (var i = 0; i < count; i++)
            {
                slice[i] = paths[start + i];
            }
            try
            {
                return preprocessBatch(slice, ct);
            }
            catch (ImageBatchException e)
            {
                throw new ImageBatchException(start + e.Index, e.SourceName, e.InnerException ?? e);
            }
        }, ct);
}
