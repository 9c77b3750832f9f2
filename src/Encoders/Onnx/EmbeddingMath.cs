namespace MultiModal.Encoders.Onnx;

/// <summary>Row splitting, L2 normalisation and masked mean pooling of the tensors ONNX towers return.</summary>
internal static class EmbeddingMath
{
    /// <summary>
    /// Splits a row-major [rows, dim] output into one array per row, L2-normalising each when asked
    /// (<c>x / max(‖x‖, 1e-12)</c>, as torch.nn.functional.normalize).
    /// </summary>
    public static float[][] Rows(ReadOnlySpan<float> flat, int rows, int dim, bool normalize)
    {
        var result = new float[rows][];
        for (var r = 0; r < rows; r++)
        {
            var row = flat.Slice(r * dim, dim).ToArray();
            if (normalize)
            {
                Normalize(row);
            }
            result[r] = row;
        }
        return result;
    }

    /// <summary>Divides <paramref name="v"/> by its L2 norm (accumulated in double), or by 1e-12 when the norm is smaller.</summary>
    public static void Normalize(Span<float> v)
    {
        double sum = 0;
        foreach (var x in v)
        {
            sum += (double)x * x;
        }
        var norm = (float)Math.Max(Math.Sqrt(sum), 1e-12);
        for (var i = 0; i < v.Length; i++)
        {
            v[i] /= norm;
        }
    }

    /// <summary>
    /// Attention-masked mean pooling, sentence-transformers' <c>Pooling(pooling_mode_mean_tokens=True)</c>:
    /// <c>sum_t(h[b, t] · m[b, t]) / max(sum_t m[b, t], 1e-9)</c> for hidden states [batch, seq, dim].
    /// </summary>
    /// <param name="hidden">Row-major [batch, seq, dim].</param>
    /// <param name="mask">Row-major [batch, seq]; 1 for real tokens, 0 for padding.</param>
    /// <param name="batch">Rows.</param>
    /// <param name="seq">Tokens per row.</param>
    /// <param name="dim">Hidden width.</param>
    /// <returns>Row-major [batch, dim].</returns>
    public static float[] MeanPool(ReadOnlySpan<float> hidden, ReadOnlySpan<long> mask, int batch, int seq, int dim)
    {
        if (hidden.Length != batch * seq * dim || mask.Length != batch * seq)
        {
            throw new ArgumentException($"hidden has {hidden.Length} values and mask {mask.Length}; expected {batch}x{seq}x{dim} and {batch}x{seq}.");
        }
        var pooled = new float[batch * dim];
        var acc = new double[dim];
        for (var b = 0; b < batch; b++)
        {
            Array.Clear(acc);
            double count = 0;
            for (var t = 0; t < seq; t++)
            {
                long m = mask[b * seq + t];
                if (m == 0)
                {
                    continue;
                }
                count += m;
                var h = hidden.Slice((b * seq + t) * dim, dim);
                for (var d = 0; d < dim; d++)
                {
                    acc[d] += (double)h[d] * m;
                }
            }
            double denominator = Math.Max(count, 1e-9);
            for (var d = 0; d < dim; d++)
            {
                pooled[b * dim + d] = (float)(acc[d] / denominator);
            }
        }
        return pooled;
    }
}
