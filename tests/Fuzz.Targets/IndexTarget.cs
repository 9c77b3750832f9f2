using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MultiModal.Index;
using MultiModal.Index.Persistence;

namespace MultiModal.Fuzz;

/// <summary>
/// A saved index folder (manifest.json + vectors/keys/metadata, or graph.usearch) materialised from a
/// <see cref="FuzzArchive"/>, loaded with <see cref="SavedIndex.Load"/>, then searched (and optionally added to).
/// </summary>
/// <remarks>
/// <para>Flags: 0x01 rewrites the manifest's <c>bytes</c> and <c>sha256</c> for the files present, so mutated data files
/// reach the parsers behind the checksum (an attacker who can write the folder can write a consistent manifest too);
/// 0x02 loads without memory-mapping; 0x04 adds a vector after loading, searches again and removes it; 0x08 uses two
/// threads.</para>
/// <para>Documented: <see cref="IndexFormatException"/> ("a file is missing, truncated, corrupted or inconsistent"). A
/// crash inside USearch kills the process and is a finding like any other.</para>
/// </remarks>
public sealed class IndexTarget(string scratch) : FuzzTarget
{
    private const long ProbeKey = long.MaxValue - 7;
    private const string ManifestName = "manifest.json";

    private readonly string directory = Path.Combine(scratch, "index");

    /// <inheritdoc/>
    public override string Name => "index";

    /// <inheritdoc/>
    public override bool TakesArchive => true;

    /// <inheritdoc/>
    protected override void Execute(byte[] input)
    {
        var archive = FuzzArchive.Decode(input);
        if ((archive.Flags & 0x01) != 0)
        {
            archive = FixManifest(archive);
        }
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        Directory.CreateDirectory(directory);
        archive.WriteTo(directory);

        var options = new LoadOptions { MemoryMap = (archive.Flags & 0x02) == 0 };
        Step.Trace("index: loading");
        using var index = SavedIndex.Load(directory, options, threads: (archive.Flags & 0x08) != 0 ? 2 : 1);
        Step.Trace($"index: loaded {index.GetType().Name}, {index.Count} x {index.Dimensions}; searching");
        if (index.Dimensions > 1 << 16)
        {
            return; // a query this wide would be the harness's allocation, not the library's
        }
        var query = new float[index.Dimensions];
        Array.Fill(query, 0.5f);
        int k = (int)Math.Clamp(index.Count, 1, 8);
        index.Search(query, k);
        index.Contains(0);
        if ((archive.Flags & 0x04) != 0 && !index.Contains(ProbeKey))
        {
            Step.Trace("index: adding");
            index.Add(query, [ProbeKey]);
            index.Search(query, k + 1);
            index.Remove([ProbeKey]);
        }
    }

    /// <inheritdoc/>
    protected override Verdict Judge(Exception e) => e is IndexFormatException ? Verdict.Rejected(e) : Verdict.Finding(e);

    /// <summary>Rewrites manifest.json's size and SHA-256 of every listed file the archive holds; leaves anything unparsable alone.</summary>
    public static FuzzArchive FixManifest(FuzzArchive archive)
    {
        int at = archive.Files.ToList().FindIndex(f => f.Key == ManifestName);
        if (at < 0)
        {
            return archive;
        }
        try
        {
            if (JsonNode.Parse(archive.Files[at].Value) is not JsonObject root || root["files"] is not JsonObject files)
            {
                return archive;
            }
            var data = archive.Files.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
            foreach (var name in files.Select(p => p.Key).ToList())
            {
                if (data.TryGetValue(name, out var bytes))
                {
                    files[name] = new JsonObject
                    {
                        ["bytes"] = bytes.Length,
                        ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                    };
                }
            }
            return archive.WithFile(at, System.Text.Encoding.UTF8.GetBytes(root.ToJsonString()));
        }
        catch (Exception)
        {
            // JsonNode parses lazily (a bad UTF-8 string fails on first use): anything odd leaves the manifest as it is.
            return archive;
        }
    }
}
