namespace MultiModal.Training.Features;

/// <summary>
/// A tiny deterministic generator (SplitMix64, Steele et al. 2014) for data order: the same seed gives the same
/// shuffle on every platform and .NET version, which resumable epochs rely on.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, n) (n ≤ 2^31; the modulo bias is below 2^-32).</summary>
    public int NextInt(int n) => (int)(Next() % (ulong)n);

    /// <summary>A generator for (seed, epoch, stream): distinct streams never share a state sequence start.</summary>
    public static SplitMix64 For(long seed, int epoch, int stream)
    {
        var mix = new SplitMix64((ulong)seed);
        ulong a = mix.Next() ^ ((ulong)(uint)epoch << 32 | (uint)stream);
        return new SplitMix64(new SplitMix64(a).Next());
    }
}
