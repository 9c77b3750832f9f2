using System.Buffers.Binary;
using System.Text;

namespace MultiModal.Fuzz;

/// <summary>
/// The input encoding of the folder targets (<c>index</c>, <c>checkpoint</c>): one flags byte, then files as
/// <c>[u8 name length][name][u32 LE data length][data]</c> until the input ends (or a zero name length).
/// </summary>
/// <remarks>
/// Decoding is lenient so that every mutation still means something: a data length past the end is clamped to what
/// is left, a name that is not a plain file name (letters, digits, '.', '_', '-'; not "." or "..") is skipped, a
/// repeated name replaces the earlier file. <c>dotnet MultiModal.Fuzz.dll unpack FILE DIR</c> shows an input as files.
/// </remarks>
public sealed record FuzzArchive(byte Flags, IReadOnlyList<KeyValuePair<string, byte[]>> Files)
{
    /// <summary>Decodes <paramref name="input"/> (never throws).</summary>
    public static FuzzArchive Decode(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return new FuzzArchive(0, []);
        }
        byte flags = input[0];
        var files = new List<KeyValuePair<string, byte[]>>();
        int pos = 1;
        while (pos < input.Length)
        {
            int nameLength = input[pos++];
            if (nameLength == 0)
            {
                break;
            }
            nameLength = Math.Min(nameLength, input.Length - pos);
            var name = Encoding.Latin1.GetString(input.Slice(pos, nameLength));
            pos += nameLength;
            long length = pos + 4 <= input.Length ? BinaryPrimitives.ReadUInt32LittleEndian(input.Slice(pos, 4)) : 0;
            pos = Math.Min(pos + 4, input.Length);
            int take = (int)Math.Min(length, input.Length - pos);
            var data = input.Slice(pos, take).ToArray();
            pos += take;
            if (!IsPlainName(name))
            {
                continue;
            }
            files.RemoveAll(f => f.Key == name);
            files.Add(new(name, data));
        }
        return new FuzzArchive(flags, files);
    }

    /// <summary>Encodes the archive; <see cref="Decode"/> of the result gives it back.</summary>
    public byte[] Encode()
    {
        using var output = new MemoryStream();
        output.WriteByte(Flags);
        Span<byte> length = stackalloc byte[4];
        foreach (var (name, data) in Files)
        {
            if (!IsPlainName(name))
            {
                throw new ArgumentException($"'{name}' is not a plain file name of at most 255 characters.", nameof(Files));
            }
            output.WriteByte((byte)name.Length);
            output.Write(Encoding.Latin1.GetBytes(name));
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)data.Length);
            output.Write(length);
            output.Write(data);
        }
        return output.ToArray();
    }

    /// <summary>Packs the regular files directly inside <paramref name="directory"/> (sorted by name).</summary>
    public static FuzzArchive FromDirectory(string directory, byte flags, Func<string, bool>? include = null) =>
        new(flags, Directory.GetFiles(directory)
            .Select(Path.GetFileName)
            .Where(n => include is null || include(n!))
            .Order(StringComparer.Ordinal)
            .Select(n => new KeyValuePair<string, byte[]>(n!, File.ReadAllBytes(Path.Combine(directory, n!))))
            .ToList());

    /// <summary>Writes the files into <paramref name="directory"/>, which must exist and be empty.</summary>
    public void WriteTo(string directory)
    {
        foreach (var (name, data) in Files)
        {
            File.WriteAllBytes(Path.Combine(directory, name), data);
        }
    }

    /// <summary>The archive with file <paramref name="index"/>'s data replaced.</summary>
    public FuzzArchive WithFile(int index, byte[] data)
    {
        var files = Files.ToList();
        files[index] = new(files[index].Key, data);
        return this with { Files = files };
    }

    private static bool IsPlainName(string name) =>
        name.Length is > 0 and <= 255 && name is not "." and not ".."
        && name.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-');
}
