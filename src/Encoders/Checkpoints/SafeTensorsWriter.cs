using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using MultiModal.Encoders.IO;
using TorchSharp;

namespace MultiModal.Encoders.Checkpoints;

/// <summary>Writes tensors to a safetensors file atomically (through <see cref="IO.AtomicFile"/>).</summary>
/// <remarks>
/// Layout follows the reference serializer (safetensors/src/tensor.rs, <c>prepare</c>): data ordered by element
/// size, largest first, then by name, so every tensor starts at a multiple of its element size; the header is
/// padded with spaces to a multiple of 8 bytes so the data buffer is 8-byte aligned too. Header keys are written
/// "__metadata__" first, then tensors sorted by name (ordinal).
/// </remarks>
public static class SafeTensorsWriter
{
    private const int DefaultChunkBytes = 64 << 20;

    /// <summary>Saves <paramref name="tensors"/> (any device, any layout) to <paramref name="path"/>, replacing it atomically.</summary>
    /// <param name="path">The destination file; its folder must exist.</param>
    /// <param name="tensors">The tensors by name; names must be non-empty, unique and not "__metadata__".</param>
    /// <param name="metadata">Free-form strings stored under "__metadata__"; <c>null</c> or empty writes none.</param>
    /// <exception cref="ArgumentException">A name is empty, duplicated or reserved, or a dtype has no safetensors equivalent.</exception>
    /// <remarks>
    /// On any failure the temporary file is deleted and an existing file at <paramref name="path"/> is untouched.
    /// Tensors are copied to contiguous CPU memory one at a time while writing.
    /// </remarks>
    public static void Save(
        string path,
        IReadOnlyList<KeyValuePair<string, torch.Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null) => Save(path, tensors, metadata, DefaultChunkBytes);

    /// <inheritdoc cref="Save(string, IReadOnlyList{KeyValuePair{string, torch.Tensor}}, IReadOnlyDictionary{string, string}?)"/>
    public static void Save(
        string path,
        IReadOnlyDictionary<string, torch.Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Save(path, tensors.ToList(), metadata, DefaultChunkBytes);
    }

    /// <summary>The core; <paramref name="chunkBytes"/> is exposed so tests can force sliced writes on tiny tensors.</summary>
    internal static void Save(
        string path,
        IReadOnlyList<KeyValuePair<string, torch.Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata,
        int chunkBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = Describe(tensors);
        var header = BuildHeader(entries, metadata);
        using var writer = AtomicFile.Create(path);
        var stream = writer.Stream;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (var entry in entries.OrderBy(e => e.Begin))
        {
            WriteData(stream, entry, chunkBytes);
        }
        writer.Commit();
    }

    private sealed record Entry(string Name, torch.Tensor Tensor, SafeTensorsDType DType, long[] Shape, long Begin, long End);

    /// <summary>Validates names and dtypes and assigns data offsets (largest element size first, then by name).</summary>
    private static List<Entry> Describe(IReadOnlyList<KeyValuePair<string, torch.Tensor>> tensors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pending = new List<(string Name, torch.Tensor Tensor, SafeTensorsDType DType)>(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("A tensor name is null or empty.", nameof(tensors));
            }
            if (name == SafeTensorsHeader.MetadataKey)
            {
                throw new ArgumentException($"'{name}' is reserved for metadata and cannot name a tensor.", nameof(tensors));
            }
            if (!names.Add(name))
            {
                throw new ArgumentException($"Tensor name '{name}' appears twice.", nameof(tensors));
            }
            if (tensor is null)
            {
                throw new ArgumentException($"Tensor '{name}' is null.", nameof(tensors));
            }
            if (!SafeTensorsDTypeExtensions.TryFromScalarType(tensor.dtype, out var dtype))
            {
                throw new ArgumentException(
                    $"Tensor '{name}' has dtype {tensor.dtype}, which safetensors (as supported here) cannot store.", nameof(tensors));
            }
            pending.Add((name, tensor, dtype));
        }
        var entries = new List<Entry>(pending.Count);
        long position = 0;
        foreach (var (name, tensor, dtype) in pending
                     .OrderByDescending(p => p.DType.ElementSize())
                     .ThenBy(p => p.Name, StringComparer.Ordinal))
        {
            var bytes = checked(tensor.numel() * dtype.ElementSize());
            entries.Add(new Entry(name, tensor, dtype, tensor.shape, position, position + bytes));
            position += bytes;
        }
        return entries;
    }

    private static byte[] BuildHeader(List<Entry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps non-ASCII names as UTF-8 like serde_json does; the header is never HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (value is null)
                    {
                        throw new ArgumentException($"Metadata value for '{key}' is null.", nameof(metadata));
                    }
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                json.WriteStartObject(entry.Name);
                json.WriteString("dtype", entry.DType.ToHeaderName());
                json.WriteStartArray("shape");
                foreach (var dim in entry.Shape)
                {
                    json.WriteNumberValue(dim);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(entry.Begin);
                json.WriteNumberValue(entry.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        var padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    /// <summary>Copies one tensor to contiguous CPU memory (if needed) and streams its storage bytes.</summary>
    private static void WriteData(Stream stream, Entry entry, int chunkBytes)
    {
        // The scope disposes the CPU/contiguous copies made here, never the caller's tensor.
        using var scope = torch.NewDisposeScope();
        var cpu = entry.Tensor.cpu().contiguous();
        long written = 0;
        SafeTensorsSpans.ForEachChunk(cpu, entry.DType.ElementSize(), chunkBytes, (bytes, _) =>
        {
            stream.Write(bytes);
            written += bytes.Length;
        });
        if (written != entry.End - entry.Begin)
        {
            throw new InvalidOperationException(
                $"Tensor '{entry.Name}' produced {written} bytes, expected {entry.End - entry.Begin}; was it resized while saving?");
        }
    }
}
