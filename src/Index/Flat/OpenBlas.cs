using System.Runtime.InteropServices;

namespace MultiModal.Index.Flat;

/// <summary>
/// <c>cblas_sgemm</c> from the system's OpenBLAS, bound at run time so the library works without it. The search runs
/// its own worker threads, so OpenBLAS's pool is set to one thread when the library is first bound (process-wide:
/// another OpenBLAS user in the same process sees that setting too).
/// </summary>
internal static unsafe class OpenBlas
{
    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    private static readonly Lazy<Binding?> Bound = new(Bind);

    /// <summary>True when a usable OpenBLAS was found.</summary>
    public static bool IsAvailable => Bound.Value is not null;

    /// <summary>Why binding failed, for error messages.</summary>
    public static string MissingReason =>
        "OpenBLAS (libopenblas.so.0 with cblas_sgemm) was not found; install it (Debian: apt-get install libopenblas0-pthread) or use FlatCpuGemm.LibTorch.";

    /// <summary><c>c[m, n] = alpha · a[m, k] · b[n, k]ᵀ</c>, all row-major and dense.</summary>
    public static void MultiplyTransposed(float* a, float* b, float* c, int m, int n, int k, float alpha)
    {
        var binding = Bound.Value ?? throw new InvalidOperationException(MissingReason);
        binding.Sgemm(RowMajor, NoTrans, Trans, m, n, k, alpha, a, k, b, k, 0f, c, n);
    }

    private static Binding? Bind()
    {
        foreach (var name in new[] { "libopenblas.so.0", "libopenblas.so" })
        {
            if (!NativeLibrary.TryLoad(name, typeof(OpenBlas).Assembly, null, out var handle))
            {
                continue;
            }
            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out var sgemm))
            {
                NativeLibrary.Free(handle);
                continue;
            }
            if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out var setThreads))
            {
                ((delegate* unmanaged[Cdecl]<int, void>)setThreads)(1);
            }
            return new Binding((delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm);
        }
        return null;
    }

    private sealed class Binding
    {
        private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;

        public Binding(delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> sgemm) => _sgemm = sgemm;

        public void Sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc) =>
            _sgemm(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
