namespace MultiModal.Training.Data;

/// <summary>
/// A small, fast, seedable generator whose stream is fixed by this library (xoshiro256** seeded through SplitMix64,
/// Blackman and Vigna 2018), so shuffles and augmentations are reproducible across .NET versions and machines,
/// unlike <see cref="Random"/> whose algorithm may change.
/// </summary>
/// <remarks>Not thread-safe: the loader derives one instance per (seed, epoch, sample, purpose) with <see cref="DeriveSeed"/>.</remarks>
public sealed class SeededRandom : IRandomSource
{
    private ulong s0, s1, s2, s3;

    /// <summary>Creates a generator whose whole stream is determined by <paramref name="seed"/>.</summary>
    public SeededRandom(ulong seed)
    {
        ulong x = seed;
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    /// <summary>
    /// A seed for an independent stream keyed by <paramref name="seed"/> and up to three integers (epoch, sample index,
    /// purpose): each key is folded in through a SplitMix64 finaliser, so nearby keys give unrelated streams.
    /// </summary>
    public static ulong DeriveSeed(ulong seed, long key1, long key2 = 0, long key3 = 0)
    {
        ulong h = Finalise(seed ^ 0x6A09E667F3BCC909UL);
        h = Finalise(h ^ (ulong)key1);
        h = Finalise((h + 0x9E3779B97F4A7C15UL) ^ (ulong)key2);
        h = Finalise((h + 0xBB67AE8584CAA73BUL) ^ (ulong)key3);
        return h;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        // xoshiro256**: https://prng.di.unimi.it/xoshiro256starstar.c
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <inheritdoc/>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias (Lemire's method).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not positive.</exception>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong n = (ulong)maxExclusive;
        ulong m = Math.BigMul(NextUInt64(), n, out ulong low);
        if (low < n)
        {
            ulong threshold = (0 - n) % n;
            while (low < threshold)
            {
                m = Math.BigMul(NextUInt64(), n, out low);
            }
        }
        return (int)m;
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates, from the last position down).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Finalise(x);
    }

    private static ulong Finalise(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
