using System.Text.Json;
using System.Text.Unicode;

namespace MultiModal.Encoders.Checkpoints;

/// <summary>
/// Parses and validates a safetensors JSON header: every rule of the reference reader
/// (safetensors/src/tensor.rs, <c>Metadata::validate</c>) plus duplicate keys, which serde and
/// System.Text.Json would both resolve silently by keeping one of them.
/// </summary>
/// <remarks>
/// Read with <see cref="Utf8JsonReader"/> rather than a DOM so duplicates are seen and nothing is
/// allocated beyond the entries themselves.
/// </remarks>
internal sealed class SafeTensorsHeader
{
    internal const string MetadataKey = "__metadata__";

    private SafeTensorsHeader(Dictionary<string, string> metadata, Dictionary<string, SafeTensorInfo> tensors)
    {
        Metadata = metadata;
        Tensors = tensors;
    }

    /// <summary>The free-form string map stored under "__metadata__" (empty when absent or null).</summary>
    internal Dictionary<string, string> Metadata { get; }

    /// <summary>The tensor entries in header order.</summary>
    internal Dictionary<string, SafeTensorInfo> Tensors { get; }

    /// <summary>Parses <paramref name="json"/> and checks it against a data buffer of <paramref name="dataLength"/> bytes.</summary>
    internal static SafeTensorsHeader Parse(ReadOnlySpan<byte> json, long dataLength, string filePath)
    {
        if (!Utf8.IsValid(json))
        {
            throw new CheckpointFormatException(filePath, "the safetensors header is not valid UTF-8.");
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            MaxDepth = 16,
        });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new CheckpointFormatException(
                    filePath, $"the safetensors header is not a JSON object (it starts with {reader.TokenType}).");
            }
            var seenMetadata = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                if (key == MetadataKey)
                {
                    if (seenMetadata)
                    {
                        throw new CheckpointFormatException(filePath, $"the header has a duplicate key '{MetadataKey}'.");
                    }
                    seenMetadata = true;
                    ReadMetadata(ref reader, metadata, filePath);
                    continue;
                }
                if (tensors.ContainsKey(key))
                {
                    throw new CheckpointFormatException(filePath, $"the header has a duplicate tensor name '{key}'.");
                }
                tensors.Add(key, ReadEntry(ref reader, key, dataLength, filePath));
            }
            // Anything but trailing whitespace (the reference pads with spaces) makes the reader throw here.
            if (reader.Read())
            {
                throw new CheckpointFormatException(filePath, "the safetensors header has content after its JSON object.");
            }
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(filePath, $"the safetensors header is not valid JSON: {e.Message}", e);
        }
        CheckCoverage(tensors.Values, dataLength, filePath);
        return new SafeTensorsHeader(metadata, tensors);
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string filePath)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return; // the reference's Option<HashMap<String, String>> accepts null
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new CheckpointFormatException(filePath, $"'{MetadataKey}' is a {reader.TokenType}, not an object of strings.");
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new CheckpointFormatException(
                    filePath, $"'{MetadataKey}' value for '{key}' is a {reader.TokenType}; metadata values must be strings.");
            }
            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw new CheckpointFormatException(filePath, $"'{MetadataKey}' has a duplicate key '{key}'.");
            }
        }
    }

    private static SafeTensorInfo ReadEntry(ref Utf8JsonReader reader, string name, long dataLength, string filePath)
    {
        if (name.Length == 0)
        {
            throw new CheckpointFormatException(filePath, "the header has a tensor with an empty name.");
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new CheckpointFormatException(filePath, $"tensor '{name}' is a {reader.TokenType}, not an object.");
        }
        string? dtypeName = null;
        long[]? shape = null;
        long[]? offsets = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.GetString()!;
            reader.Read();
            switch (field)
            {
                case "dtype":
                    EnsureFirst(dtypeName is null, name, field, filePath);
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new CheckpointFormatException(filePath, $"tensor '{name}' has a 'dtype' that is a {reader.TokenType}, not a string.");
                    }
                    dtypeName = reader.GetString()!;
                    break;
                case "shape":
                    EnsureFirst(shape is null, name, field, filePath);
                    shape = ReadIntegers(ref reader, name, field, filePath);
                    break;
                case "data_offsets":
                    EnsureFirst(offsets is null, name, field, filePath);
                    offsets = ReadIntegers(ref reader, name, field, filePath);
                    break;
                default:
                    reader.Skip(); // the reference ignores unknown fields (serde without deny_unknown_fields)
                    break;
            }
        }
        if (dtypeName is null || shape is null || offsets is null)
        {
            var missing = dtypeName is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw new CheckpointFormatException(filePath, $"tensor '{name}' has no '{missing}' field.");
        }
        var dtype = ParseDType(dtypeName, name, filePath);
        if (offsets.Length != 2)
        {
            throw new CheckpointFormatException(
                filePath, $"tensor '{name}' has 'data_offsets' with {offsets.Length} values; expected [begin, end].");
        }
        long begin = offsets[0], end = offsets[1];
        if (begin > end)
        {
            throw new CheckpointFormatException(filePath, $"tensor '{name}' has data_offsets [{begin}, {end}] with begin > end.");
        }
        if (end > dataLength)
        {
            throw new CheckpointFormatException(
                filePath, $"tensor '{name}' has data_offsets end {end} beyond the data buffer of {dataLength} bytes (file truncated?).");
        }
        var expected = ByteLength(shape, dtype, name, filePath);
        if (end - begin != expected)
        {
            throw new CheckpointFormatException(
                filePath,
                $"tensor '{name}' has data_offsets [{begin}, {end}] spanning {end - begin} bytes, but shape " +
                $"[{string.Join(", ", shape)}] of {dtype.ToHeaderName()} needs {expected} bytes.");
        }
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private static void EnsureFirst(bool first, string name, string field, string filePath)
    {
        if (!first)
        {
            throw new CheckpointFormatException(filePath, $"tensor '{name}' has a duplicate '{field}' field.");
        }
    }

    /// <summary>Reads a JSON array of non-negative integers that fit in <see cref="long"/>.</summary>
    private static long[] ReadIntegers(ref Utf8JsonReader reader, string name, string field, string filePath)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new CheckpointFormatException(filePath, $"tensor '{name}' has a '{field}' that is a {reader.TokenType}, not an array.");
        }
        var values = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            // TryGetInt64 rejects fractions, exponents and values past long.MaxValue: all are "not an integer" here.
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || value < 0)
            {
                var text = reader.TokenType == JsonTokenType.Number
                    ? System.Text.Encoding.UTF8.GetString(reader.ValueSpan)
                    : reader.TokenType.ToString();
                throw new CheckpointFormatException(
                    filePath, $"tensor '{name}' has a '{field}' entry {text} that is not a non-negative 64-bit integer.");
            }
            values.Add(value);
        }
        return values.ToArray();
    }

    private static SafeTensorsDType ParseDType(string dtypeName, string name, string filePath)
    {
        if (SafeTensorsDTypeExtensions.TryParseHeaderName(dtypeName, out var dtype))
        {
            return dtype;
        }
        var supported = string.Join(", ", Enum.GetValues<SafeTensorsDType>().Select(d => d.ToHeaderName()));
        var kind = SafeTensorsDTypeExtensions.IsKnownUnsupported(dtypeName) ? "unsupported" : "unknown";
        throw new CheckpointFormatException(
            filePath, $"tensor '{name}' has {kind} dtype '{dtypeName}' (supported: {supported}).");
    }

    /// <summary>
    /// product(shape) × element size, with overflow reported instead of wrapped. Zero dimensions count as 1 for the
    /// overflow check: libtorch computes strides that way, so [0, 2^63-1, 2^63-1] is empty yet cannot be created
    /// ("Stride calculation overflowed"), and must be refused here rather than by a native exception later.
    /// </summary>
    private static long ByteLength(long[] shape, SafeTensorsDType dtype, string name, string filePath)
    {
        try
        {
            long strides = 1;
            foreach (var dim in shape)
            {
                strides = checked(strides * Math.Max(dim, 1));
            }
            _ = checked(strides * dtype.ElementSize());
        }
        catch (OverflowException e)
        {
            throw new CheckpointFormatException(
                filePath, $"tensor '{name}' has shape [{string.Join(", ", shape)}] whose byte size overflows 64 bits.", e);
        }
        if (Array.IndexOf(shape, 0L) >= 0)
        {
            return 0; // any zero dimension empties the tensor
        }
        long count = 1;
        foreach (var dim in shape)
        {
            count *= dim; // cannot overflow: checked above
        }
        return count * dtype.ElementSize();
    }

    /// <summary>
    /// Tensors must tile the data buffer exactly: no overlaps, no holes, nothing after the last tensor
    /// (the reference's InvalidOffset and MetadataIncompleteBuffer checks).
    /// </summary>
    private static void CheckCoverage(IEnumerable<SafeTensorInfo> tensors, long dataLength, string filePath)
    {
        long position = 0;
        SafeTensorInfo? previous = null;
        foreach (var info in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End).ThenBy(t => t.Name, StringComparer.Ordinal))
        {
            if (info.Begin < position)
            {
                throw new CheckpointFormatException(
                    filePath,
                    $"tensor '{info.Name}' [{info.Begin}, {info.End}] overlaps tensor '{previous!.Name}' [{previous.Begin}, {previous.End}].");
            }
            if (info.Begin > position)
            {
                throw new CheckpointFormatException(
                    filePath, $"data buffer bytes [{position}, {info.Begin}) before tensor '{info.Name}' belong to no tensor (a hole).");
            }
            position = info.End;
            previous = info;
        }
        if (position != dataLength)
        {
            throw new CheckpointFormatException(
                filePath, $"data buffer bytes [{position}, {dataLength}) after the last tensor belong to no tensor (a hole).");
        }
    }
}
