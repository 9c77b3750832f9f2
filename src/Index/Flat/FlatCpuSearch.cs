using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace MultiModal.Index.Flat;

/// <summary>
/// Exact top-k on the CPU, FAISS's way (exhaustive_inner_prod_blas): for each block of queries × block of stored rows,
/// one sgemm (OpenBLAS when present, else libtorch; see <see cref="FlatCpuGemm"/>) into a scratch score tile, then a running bounded heap per query. Work items are query blocks (many
/// queries) or stored-row ranges (few queries), run on <c>threads</c> workers; partial heaps are merged at the end.
/// Internally every score is "higher is closer": inner product, or for L2 <c>2 q·x − ‖x‖²</c> (the caller adds ‖q‖²).
/// Exact ties: the lower row makes the cut; tied scores are listed higher row first, as FAISS lists them.
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
        FlatCpuGemm gemm, CancellationToken cancellationToken, int[] rows, float[] scores)
    {
        bool openBlas = UsesOpenBlas(gemm);
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
            int torchThreads = openBlas ? 0 : torch.get_num_threads();
            Parallel.For(0, queryBlocks * dataParts, options, item =>
            {
                if (torchThreads > 0)
                {
                    // libtorch keeps OpenMP's and MKL's thread counts per thread: a pool worker that never called
                    // set_num_threads runs each sgemm on every core, and two such workers oversubscribe the machine.
                    // Re-applying the process-wide setting gives this worker the count the caller chose.
                    torch.set_num_threads(torchThreads);
                }
                int qb = item / dataParts, part = item % dataParts;
                int q0 = qb * queryBlock, qn = Math.Min(queryBlock, nq - q0);
                int r0 = part * partRows, r1 = Math.Min(n, r0 + partRows);
                SearchTile(store, (float*)qp + (long)q0 * d, qn, r0, r1, k, norms, openBlas, cancellationToken,
                    partialRows[part].AsSpan(q0 * k, qn * k), partialScores[part].AsSpan(q0 * k, qn * k));
            });
        }
        if (dataParts > 1)
        {
            Merge(partialRows, partialScores, nq, k, rows, scores);
        }
        ListTiesAsFaissDoes(nq, k, rows, scores);
    }

    /// <summary>
    /// Exact ties: the lower rows make the cut (first come), but FAISS's heap lists tied scores higher row first, so
    /// each run of equal scores (ascending rows here) is reversed to give the same ids in the same order as
    /// IndexFlat. Padding (-1) stays last.
    /// </summary>
    private static void ListTiesAsFaissDoes(int nq, int k, int[] rows, float[] scores)
    {
        for (int q = 0; q < nq; q++)
        {
            int start = q * k, end = start + k;
            for (int i = start; i < end;)
            {
                int j = i + 1;
                while (j < end && rows[j] >= 0 && scores[j] == scores[i])
                {
                    j++;
                }
                if (j - i > 1 && rows[i] >= 0)
                {
                    rows.AsSpan(i, j - i).Reverse();
                }
                i = j;
            }
        }
    }

    private static void SearchTile(VectorStore store, float* queries, int qn, int r0, int r1, int k, float[]? norms,
        bool openBlas, CancellationToken cancellationToken, Span<int> outRows, Span<float> outScores)
    {
        int d = store.Dimensions;
        outRows.Fill(-1);
        outScores.Fill(float.NegativeInfinity);
        // Data-major tile [rows, queries]: X · Qᵀ is sgemm's fast no-transpose case in libtorch, and the scan below
        // tests 8 queries' thresholds per load.
        var tile = (float*)NativeMemory.AlignedAlloc((nuint)((long)qn * DataBlock * sizeof(float)), 64);
        var worst = (float*)NativeMemory.AlignedAlloc((nuint)(qn * sizeof(float)), 64);
        float* converted = store.Storage == FlatStorage.Float16
            ? (float*)NativeMemory.AlignedAlloc((nuint)((long)DataBlock * d * sizeof(float)), 64)
            : null;
        // libtorch path: the queries transposed once, [d, qn].
        float* transposedQueries = openBlas ? null : (float*)NativeMemory.AlignedAlloc((nuint)((long)qn * d * sizeof(float)), 64);
        try
        {
            new Span<float>(worst, qn).Fill(float.NegativeInfinity);
            if (transposedQueries is not null)
            {
                for (int i = 0; i < qn; i++)
                {
                    for (int j = 0; j < d; j++)
                    {
                        transposedQueries[(long)j * qn + i] = queries[(long)i * d + j];
                    }
                }
            }
            float alpha = norms is null ? 1f : 2f;
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
                if (openBlas)
                {
                    OpenBlas.MultiplyTransposed(block, queries, tile, bn, qn, d, alpha);
                }
                else
                {
                    using var scope = NewDisposeScope();
                    using var dataTensor = NativeTensor.View(block, bn, d);
                    using var queryTensor = NativeTensor.View(transposedQueries, d, qn);
                    using var tileTensor = NativeTensor.View(tile, bn, qn);
                    // tile = alpha·(X · Qᵀ) (+ 0·tile): sgemm straight into our scratch; L2 doubles it.
                    tileTensor.addmm_(dataTensor, queryTensor, beta: 0f, alpha: alpha);
                }
                ScanTile(tile, bn, qn, b0, norms, k, worst, outScores, outRows);
            }
            for (int i = 0; i < qn; i++)
            {
                new TopKHeap(outScores.Slice(i * k, k), outRows.Slice(i * k, k)).SortBestFirst();
            }
        }
        finally
        {
            NativeMemory.AlignedFree(tile);
            NativeMemory.AlignedFree(worst);
            if (converted is not null)
            {
                NativeMemory.AlignedFree(converted);
            }
            if (transposedQueries is not null)
            {
                NativeMemory.AlignedFree(transposedQueries);
            }
        }
    }

    /// <summary>
    /// Offers every score of a [bn, qn] tile to its query's heap. <paramref name="worst"/> mirrors each heap's root so
    /// 8 queries are tested per compare; only lanes at or above their threshold take the scalar path. For L2 the tile
    /// holds 2·q·x and the row's ‖x‖² is subtracted first.
    /// </summary>
    private static void ScanTile(float* tile, int bn, int qn, int b0, float[]? norms, int k, float* worst,
        Span<float> outScores, Span<int> outRows)
    {
        for (int r = 0; r < bn; r++)
        {
            float* t = tile + (long)r * qn;
            int row = b0 + r;
            int j = 0;
            if (norms is not null)
            {
                float norm = norms[row];
                var nv = Vector256.Create(norm);
                for (; j <= qn - Vector256<float>.Count; j += Vector256<float>.Count)
                {
                    Vector256.Store(Vector256.Load(t + j) - nv, t + j);
                }
                for (; j < qn; j++)
                {
                    t[j] -= norm;
                }
                j = 0;
            }
            for (; j <= qn - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                var hits = Vector256.GreaterThanOrEqual(Vector256.Load(t + j), Vector256.Load(worst + j)).ExtractMostSignificantBits();
                while (hits != 0)
                {
                    int q = j + BitOperations.TrailingZeroCount(hits);
                    hits &= hits - 1;
                    Offer(q, t[q], row, k, worst, outScores, outRows);
                }
            }
            for (; j < qn; j++)
            {
                if (t[j] >= worst[j])
                {
                    Offer(j, t[j], row, k, worst, outScores, outRows);
                }
            }
        }
    }

    private static void Offer(int q, float score, int row, int k, float* worst, Span<float> outScores, Span<int> outRows)
    {
        var heap = new TopKHeap(outScores.Slice(q * k, k), outRows.Slice(q * k, k));
        // Rows arrive in increasing order, so an equal score loses to the kept one, except to an empty slot.
        if (heap.TryPush(score, row))
        {
            worst[q] = outScores[q * k];
        }
    }

    /// <summary>Resolves <paramref name="gemm"/> against what the machine has.</summary>
    /// <exception cref="InvalidOperationException">OpenBLAS was asked for and is missing.</exception>
    public static bool UsesOpenBlas(FlatCpuGemm gemm) => gemm switch
    {
        FlatCpuGemm.LibTorch => false,
        FlatCpuGemm.OpenBlas => OpenBlas.IsAvailable ? true : throw new InvalidOperationException(OpenBlas.MissingReason),
        _ => OpenBlas.IsAvailable,
    };

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
