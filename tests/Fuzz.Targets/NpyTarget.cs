using MultiModal.Encoders.IO;

namespace MultiModal.Fuzz;

/// <summary>
/// A .npy file through <see cref="NpyReader.Open"/> (values streamed in pieces of the declared dtype) and through
/// <see cref="NpyFile.ReadFloat32"/> / <see cref="NpyFile.ReadInt64"/> (one array).
/// </summary>
/// <remarks>Documented: <see cref="InvalidDataException"/>, whose message names the file. Reads are bounded by the file size.</remarks>
public sealed class NpyTarget(string scratch) : FuzzTarget
{
    private readonly string path = Path.Combine(scratch, "input.npy");
    private readonly float[] floats = new float[4096];
    private readonly long[] longs = new long[4096];

    /// <inheritdoc/>
    public override string Name => "npy";

    /// <inheritdoc/>
    protected override void Execute(byte[] input)
    {
        File.WriteAllBytes(path, input);
        string descr;
        using (var reader = NpyReader.Open(path))
        {
            descr = reader.Descr;
            while (reader.Remaining > 0)
            {
                int n = (int)Math.Min(reader.Remaining, floats.Length);
                if (descr == "<f4")
                {
                    reader.ReadFloat32(floats.AsSpan(0, n));
                }
                else
                {
                    reader.ReadInt64(longs.AsSpan(0, n));
                }
            }
        }
        if (descr == "<f4")
        {
            NpyFile.ReadFloat32(path);
        }
        else
        {
            NpyFile.ReadInt64(path);
        }
    }

    /// <inheritdoc/>
    protected override Verdict Judge(Exception e) => e is InvalidDataException ? Verdict.Rejected(e) : Verdict.Finding(e);
}
