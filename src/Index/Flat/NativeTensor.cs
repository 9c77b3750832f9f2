using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace MultiModal.Index.Flat;

/// <summary>
/// A float32 CPU tensor that views native memory the caller keeps alive (libtorch <c>from_blob</c>), so sgemm reads
/// stored rows and writes score tiles in place. TorchSharp 0.107's <c>torch.tensor(Memory&lt;float&gt;)</c> copies
/// memory that is not array-backed, so this calls LibTorchSharp's <c>THSTensor_new</c> with a no-op deleter, the
/// same entry TorchSharp uses for pinned arrays.
/// </summary>
internal static unsafe partial class NativeTensor
{
    private const sbyte Float32 = (sbyte)ScalarType.Float32;

    public static Tensor View(float* data, long rows, long columns)
    {
        long* dims = stackalloc long[2] { rows, columns };
        var handle = THSTensor_new((nint)data, (nint)(delegate* unmanaged[Cdecl]<nint, void>)&NoDelete, dims, 2,
            Float32, Float32, deviceType: 0, deviceIndex: -1, requiresGrad: false);
        if (handle == 0)
        {
            CheckForErrors();
        }
        return Tensor.UnsafeCreateTensor(handle);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void NoDelete(nint data)
    {
    }

    private static void CheckForErrors() =>
        throw new InvalidOperationException("libtorch could not create a tensor over native memory.");

    [LibraryImport("LibTorchSharp")]
    private static partial nint THSTensor_new(nint rawArray, nint deleter, long* dimensions, int numDimensions,
        sbyte type, sbyte dtype, int deviceType, int deviceIndex, [MarshalAs(UnmanagedType.U1)] bool requiresGrad);
}
