using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace MultiModal.Index.Flat;

/// <summary>
/// Exact top-k on the CPU, FAISS's way (exhaustive_inner_prod_blas): for each block of queries × block of stored rows,
/// one sgemm into a scratch score tile, then a running bounded heap per query. Work items are query blocks (many
/// queries) or stored-row ranges (few queries), run on <c>threads</c> workers; partial heaps are merged at the end.
/// Internally every score is "higher is closer": inner product, or for L2 <c>2 q·x − ‖x‖²</c> (the caller adds ‖q‖²).
/// Ties go to the lower row.
/// </summary>
internal static unsafe class FlatCpuSearch
{
    private const int DataBlock = 1024;   // rows per sgemm tile: 1024 × 512 floats = 2 MB, FAISS's bs_y
    private const int MaxQueryBlock = 512;

    /// <summary>
    /// Top-<c>k</c> of <c>nq</c> queries ([nq, d] float32, normalised for cosine) against <c>store</c>; <c>norms</c>
    /// holds ‖x‖² per row for L2 (else null). Writes [nq, k] rows (-1 padding) and internal scores.
    /// </summary>
    public static void Search(VectorStore store, float[] queries, int nq, int k, float[]? norms, int threads,
        CancellationToken cancellationToken, int[] rows, float[] scores)
    {
        int d = store.Dimensions;
        int n = store.Count;
        threads = Math.Max(1, threads);
        // Many queries: split queries; few: split stored rows, each part searching all queries.
        int queryBlock = Math.Clamp((nq + threads - 1) / threads, 1, MaxQueryBlock);
        int queryBlocks = (nq + queryBlock - 1) / queryBlock;
        int dataParts = queryBlocks >= threads ? 1 : Math.Max(1, Math.Min(threads, (n + DataBlock - 1) / DataBlock));
        int partRows = (n + dataParts - 1) / dataParts;
        var partialRows = new int[dataParts][];
        var partialScores = new float[dataParts][];
        for (int p = 0; p < dataParts; p++)
        {
            partialRows[p] = dataParts == 1 ? rows : new int[nq * k];
            partialScores[p] = dataParts == 1 ? scores : new float[nq * k];
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        fixed (float* q = queries)
        {
            var qp = (nint)q;
            Parallel.For(0, queryBlocks * dataParts, options, item =>
            {
                int qb = item / dataParts, part = item % dataParts;
                int q0 = qb * queryBlock, qn = Math.Min(queryBlock, nq - q0);
                int r0 = part * partRows, r1 = Math.Min(n, r0 + partRows);
                SearchTile(store, (float*)qp + (long)q0 * d, qn, r0, r1, k, norms, cancellationToken,
                    partialRows[part].AsSpan(q0 * k, qn * k), partialScores[part].AsSpan(q0 * k, qn * k));
            });
        }
        if (dataParts > 1)
        {
            Merge(partialRows, partialScores, nq, k, rows, scores);
        }
    }

    private static void SearchTile(VectorStore store, float* queries, int qn, int r0, int r1, int k, float[]? norms,
        CancellationToken cancellationToken, Span<int> outRows, Span<float> outScores)
    {
        int d = store.Dimensions;
        outRows.Fill(-1);
        outScores.Fill(float.NegativeInfinity);
        var tile = (float*)NativeMemory.AlignedAlloc((nuint)((long)qn * DataBlock * sizeof(float)), 64);
        float* converted = store.Storage == FlatStorage.Float16
            ? (float*)NativeMemory.AlignedAlloc((nuint)((long)DataBlock * d * sizeof(float)), 64)
            : null;
        try
        {
            using var scope = NewDisposeScope();
            using var queryTensor = NativeTensor.View(queries, qn, d);
            for (int b0 = r0; b0 < r1; b0 += DataBlock)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int bn = Math.Min(DataBlock, r1 - b0);
                float* block;
                if (converted is null)
                {
                    block = (float*)store.Row(b0);
                }
                else
                {
                    store.ReadFloat(b0, new Span<float>(converted, bn * d));
                    block = converted;
                }
                using (var dataTensor = NativeTensor.View(block, bn, d))
                using (var tileTensor = NativeTensor.View(tile, qn, bn))
                using (var transposed = dataTensor.t())
                {
                    // tile = 1·(Q · Xᵀ) (+ 0·tile): sgemm straight into our scratch; L2 doubles it.
                    tileTensor.addmm_(queryTensor, transposed, beta: 0f, alpha: norms is null ? 1f : 2f);
                }
                for (int i = 0; i < qn; i++)
                {
                    var heap = new TopKHeap(outScores.Slice(i * k, k), outRows.Slice(i * k, k));
                    var row = new ReadOnlySpan<float>(tile + (long)i * bn, bn);
                    if (norms is null)
                    {
                        heap.PushAll(row, b0);
                    }
                    else
                    {
                        heap.PushAllL2(row, norms.AsSpan(b0, bn), b0);
                    }
                }
            }
            for (int i = 0; i < qn; i++)
            {
                new TopKHeap(outScores.Slice(i * k, k), outRows.Slice(i * k, k)).SortBestFirst();
            }
        }
        finally
        {
            NativeMemory.AlignedFree(tile);
            if (converted is not null)
            {
                NativeMemory.AlignedFree(converted);
            }
        }
    }

    private static void Merge(int[][] partialRows, float[][] partialScores, int nq, int k, int[] rows, float[] scores)
    {
        var candidates = new (float Score, int Row)[partialRows.Length * k];
        for (int i = 0; i < nq; i++)
        {
            int c = 0;
            for (int p = 0; p < partialRows.Length; p++)
            {
                for (int j = 0; j < k; j++)
                {
                    candidates[c++] = (partialScores[p][i * k + j], partialRows[p][i * k + j]);
                }
            }
            // Tiny (parts × k) sort; padding (-1, -inf) sinks to the end.
            Array.Sort(candidates, (a, b) => TopKHeap.Compare(b.Score, b.Row, a.Score, a.Row));
            for (int j = 0; j < k; j++)
            {
                (scores[i * k + j], rows[i * k + j]) = candidates[j];
            }
        }
    }
}
