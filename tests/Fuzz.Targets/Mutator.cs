using System.Buffers.Binary;
using System.Text;

namespace MultiModal.Fuzz;

/// <summary>
/// Deterministic mutations for the seeded loop: case <c>i</c> of seed <c>s</c> is always the same bytes, whatever ran
/// before it, so a failing case is reproduced by its number alone (<c>mutate TARGET --seed s --from i --count 1</c>).
/// </summary>
/// <remarks>
/// Each case picks a corpus file and applies 1–4 of: bit flips, interesting bytes, byte insertions and deletions,
/// range duplication, truncation, length-field tweaks (u16/u32/u64, either byte order, set to boundary values or
/// nudged), digit-run tweaks (a decimal number in a JSON or .npy header replaced by a boundary value) and splices with
/// another corpus file. For archive targets most cases mutate the data of one file inside the archive, keeping its
/// framing intact.
/// </remarks>
public sealed class Mutator
{
    private const int MaxLength = 1 << 20;

    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x10, 0x20, 0x40];

    private static readonly ulong[] InterestingValues =
    [
        0, 1, 2, 7, 8, 15, 16, 63, 64, 127, 128, 255, 256, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
        0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, ulong.MaxValue,
    ];

    private static readonly string[] InterestingNumbers =
    [
        "0", "1", "-1", "2", "3", "7", "64", "255", "256", "65535", "65536", "2147483647", "2147483648", "-2147483648",
        "4294967295", "4294967296", "9223372036854775807", "9223372036854775808", "18446744073709551616",
        "1e308", "1e-308", "0.5", "1.5", "-0", "100000", "1000000000",
    ];

    private readonly IReadOnlyList<byte[]> corpus;
    private readonly bool archives;

    /// <summary>Mutates files of <paramref name="corpus"/> (at least one); <paramref name="archives"/> for archive targets.</summary>
    public Mutator(IReadOnlyList<byte[]> corpus, bool archives)
    {
        if (corpus.Count == 0)
        {
            throw new ArgumentException("The corpus is empty.", nameof(corpus));
        }
        this.corpus = corpus;
        this.archives = archives;
    }

    /// <summary>Case <paramref name="index"/> of seed <paramref name="seed"/>: the bytes and what was done to them.</summary>
    public (byte[] Input, string Recipe) Case(int seed, int index)
    {
        var rng = new SplitMix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)index * 0xD1B54A32D192ED03UL);
        int baseIndex = rng.Next(corpus.Count);
        var recipe = new StringBuilder($"corpus[{baseIndex}]");
        byte[] input = corpus[baseIndex];
        if (archives && rng.Next(10) < 7)
        {
            var archive = FuzzArchive.Decode(input);
            if (archive.Files.Count > 0)
            {
                int file = rng.Next(archive.Files.Count);
                recipe.Append($" in {archive.Files[file].Key}:");
                var data = MutateBytes(archive.Files[file].Value, ref rng, recipe);
                return (archive.WithFile(file, data).Encode(), recipe.ToString());
            }
        }
        return (MutateBytes(input, ref rng, recipe), recipe.ToString());
    }

    private byte[] MutateBytes(byte[] original, ref SplitMix rng, StringBuilder recipe)
    {
        var data = new List<byte>(original);
        int steps = 1 + rng.Next(4);
        for (int s = 0; s < steps; s++)
        {
            int op = rng.Next(10);
            int n = data.Count;
            switch (op)
            {
                case 0 when n > 0:
                {
                    int p = rng.Next(n), bit = rng.Next(8);
                    data[p] ^= (byte)(1 << bit);
                    recipe.Append($" flip@{p}.{bit}");
                    break;
                }
                case 1 when n > 0:
                {
                    int p = rng.Next(n);
                    data[p] = InterestingBytes[rng.Next(InterestingBytes.Length)];
                    recipe.Append($" byte@{p}");
                    break;
                }
                case 2:
                {
                    int p = rng.Next(n + 1), count = 1 + rng.Next(16);
                    var bytes = new byte[count];
                    for (int i = 0; i < count; i++)
                    {
                        bytes[i] = rng.Next(2) == 0 ? InterestingBytes[rng.Next(InterestingBytes.Length)] : (byte)rng.Next(256);
                    }
                    data.InsertRange(p, bytes);
                    recipe.Append($" insert@{p}+{count}");
                    break;
                }
                case 3 when n > 1:
                {
                    int p = rng.Next(n), count = Math.Min(n - p, 1 + rng.Next(64));
                    data.RemoveRange(p, count);
                    recipe.Append($" delete@{p}-{count}");
                    break;
                }
                case 4 when n > 1:
                {
                    int p = rng.Next(n), count = Math.Min(n - p, 1 + rng.Next(128)), at = rng.Next(n + 1);
                    data.InsertRange(at, data.GetRange(p, count));
                    recipe.Append($" dup@{p}+{count}->{at}");
                    break;
                }
                case 5 when n > 1:
                {
                    int keep = rng.Next(n);
                    data.RemoveRange(keep, n - keep);
                    recipe.Append($" truncate@{keep}");
                    break;
                }
                case 6 or 7 when n >= 8:
                {
                    LengthTweak(data, ref rng, recipe);
                    break;
                }
                case 8:
                {
                    if (!DigitTweak(data, ref rng, recipe) && n > 0)
                    {
                        int p = rng.Next(n);
                        data[p] = (byte)rng.Next(256);
                        recipe.Append($" rand@{p}");
                    }
                    break;
                }
                case 9:
                {
                    var other = corpus[rng.Next(corpus.Count)];
                    int cut = rng.Next(n + 1), from = rng.Next(other.Length + 1);
                    data.RemoveRange(cut, n - cut);
                    data.AddRange(other.AsSpan(from).ToArray());
                    recipe.Append($" splice@{cut}<-{from}");
                    break;
                }
                default:
                {
                    int p = rng.Next(n + 1);
                    data.Insert(p, (byte)rng.Next(256));
                    recipe.Append($" ins1@{p}");
                    break;
                }
            }
            if (data.Count > MaxLength)
            {
                data.RemoveRange(MaxLength, data.Count - MaxLength);
            }
        }
        return data.ToArray();
    }

    private static void LengthTweak(List<byte> data, ref SplitMix rng, StringBuilder recipe)
    {
        int width = rng.Next(3) switch { 0 => 2, 1 => 4, _ => 8 };
        int p = rng.Next(data.Count - width + 1);
        bool big = rng.Next(2) == 0;
        Span<byte> field = stackalloc byte[8];
        for (int i = 0; i < width; i++)
        {
            field[i] = data[p + i];
        }
        ulong current = width switch
        {
            2 => big ? BinaryPrimitives.ReadUInt16BigEndian(field) : BinaryPrimitives.ReadUInt16LittleEndian(field),
            4 => big ? BinaryPrimitives.ReadUInt32BigEndian(field) : BinaryPrimitives.ReadUInt32LittleEndian(field),
            _ => big ? BinaryPrimitives.ReadUInt64BigEndian(field) : BinaryPrimitives.ReadUInt64LittleEndian(field),
        };
        ulong value = rng.Next(3) switch
        {
            0 => InterestingValues[rng.Next(InterestingValues.Length)],
            1 => current + (ulong)(rng.Next(33) - 16),
            _ => current * 2 + 1,
        };
        switch (width)
        {
            case 2 when big: BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)value); break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)value); break;
            case 4 when big: BinaryPrimitives.WriteUInt32BigEndian(field, (uint)value); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(field, (uint)value); break;
            case 8 when big: BinaryPrimitives.WriteUInt64BigEndian(field, value); break;
            default: BinaryPrimitives.WriteUInt64LittleEndian(field, value); break;
        }
        for (int i = 0; i < width; i++)
        {
            data[p + i] = field[i];
        }
        recipe.Append($" u{width * 8}{(big ? "be" : "le")}@{p}={value}");
    }

    private static bool DigitTweak(List<byte> data, ref SplitMix rng, StringBuilder recipe)
    {
        var runs = new List<(int Start, int Length)>();
        for (int i = 0; i < data.Count && runs.Count < 4096;)
        {
            if (data[i] is >= (byte)'0' and <= (byte)'9')
            {
                int start = i;
                while (i < data.Count && data[i] is >= (byte)'0' and <= (byte)'9' or (byte)'.' or (byte)'e' or (byte)'-')
                {
                    i++;
                }
                runs.Add((start, i - start));
            }
            else
            {
                i++;
            }
        }
        if (runs.Count == 0)
        {
            return false;
        }
        var (at, length) = runs[rng.Next(runs.Count)];
        var number = InterestingNumbers[rng.Next(InterestingNumbers.Length)];
        data.RemoveRange(at, length);
        data.InsertRange(at, Encoding.ASCII.GetBytes(number));
        recipe.Append($" num@{at}={number}");
        return true;
    }

    /// <summary>SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and stable across .NET versions, unlike System.Random's seeding.</summary>
    private struct SplitMix(ulong state)
    {
        private ulong state = state;

        public int Next(int bound)
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return bound <= 1 ? 0 : (int)(z % (ulong)bound);
        }
    }
}
