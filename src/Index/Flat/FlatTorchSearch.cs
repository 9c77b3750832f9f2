using static TorchSharp.torch;

namespace MultiModal.Index.Flat;

/// <summary>
/// The <see cref="FlatBackend.TorchSharp"/> engine: a float32 tensor of all rows on the device (rebuilt after a
/// mutation, on the next search), <c>torch.mm</c> + <c>torch.topk</c> per query batch. Ties follow
/// <c>torch.topk</c>, not the CPU engine's lower-row rule. CUDA is untested (no GPU where this was written); the same
/// code runs on the CPU device in the tests.
/// </summary>
internal sealed class FlatTorchSearch(Device device, int queryBatch) : IDisposable
{
    private Tensor? _rows;   // [n, d] float32 on device
    private Tensor? _norms;  // [n] ‖x‖² for L2
    private readonly Lock _rebuild = new();

    /// <summary>Drops the device copy; the next search rebuilds it. Called under the index's write lock.</summary>
    public void Invalidate()
    {
        _rows?.Dispose();
        _norms?.Dispose();
        _rows = null;
        _norms = null;
    }

    public unsafe void Search(VectorStore store, float[] queries, int nq, int k, bool l2, CancellationToken cancellationToken, int[] rows, float[] scores)
    {
        int d = store.Dimensions, n = store.Count;
        lock (_rebuild)
        {
            if (_rows is null)
            {
                var host = new float[(long)n * d];
                store.ReadFloat(0, host);
                using var cpu = tensor(host, [n, d]);
                _rows = cpu.to(device).DetachFromDisposeScope();
                _norms = l2 ? _rows.square().sum(1).DetachFromDisposeScope() : null;
            }
        }
        int kk = Math.Min(k, n);
        rows.AsSpan().Fill(-1);
        scores.AsSpan().Fill(float.NegativeInfinity);
        for (int q0 = 0; q0 < nq; q0 += queryBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int qn = Math.Min(queryBatch, nq - q0);
            using var scope = NewDisposeScope();
            var q = tensor(queries.AsMemory(q0 * d, qn * d), [qn, d]).to(device);
            var s = q.mm(_rows!.t());
            if (l2)
            {
                s = s.mul(2f).sub(_norms!.unsqueeze(0));   // 2 q·x − ‖x‖², higher is closer
            }
            var (values, indices) = s.topk(kk, dim: 1, largest: true, sorted: true);
            var v = values.cpu().data<float>().ToArray();
            var ix = indices.cpu().data<long>().ToArray();
            for (int i = 0; i < qn; i++)
            {
                for (int j = 0; j < kk; j++)
                {
                    scores[(q0 + i) * k + j] = v[i * kk + j];
                    rows[(q0 + i) * k + j] = (int)ix[i * kk + j];
                }
            }
        }
    }

    public void Dispose() => Invalidate();
}
