using System.Buffers.Binary;
using System.Text.Json.Nodes;
using MultiModal.Index.Persistence;

namespace MultiModal.Index.Tests.Hnsw;

/// <summary>
/// A saved <c>graph.usearch</c> as bytes, with the offsets of USearch 2.26's layout (matrix shape, vectors, 64-byte
/// dense head, 40-byte graph header, i16 levels, node records), for crafting corruptions in tests. Written from the
/// layout independently of the loader's validator.
/// </summary>
internal sealed class GraphBytes(byte[] bytes)
{
    public byte[] Bytes { get; } = bytes;

    public long Rows => U32(0);

    public int RowBytes => (int)U32(4);

    public int HeadAt => 8 + (int)(Rows * RowBytes);

    public int GraphHeaderAt => HeadAt + 64;

    public int Size => (int)U64(GraphHeaderAt);

    public int Connectivity => (int)U64(GraphHeaderAt + 8);

    public int ConnectivityBase => (int)U64(GraphHeaderAt + 16);

    public int MaxLevel => (int)U64(GraphHeaderAt + 24);

    public int Entry => (int)U64(GraphHeaderAt + 32);

    public int LevelsAt => GraphHeaderAt + 40;

    public static GraphBytes Read(string directory) => new(File.ReadAllBytes(Path.Combine(directory, "graph.usearch")));

    /// <summary>Writes the bytes as the directory's graph and re-signs the manifest (size and SHA-256), as an attacker could.</summary>
    public static void WriteSigned(string directory, byte[] bytes)
    {
        var graph = Path.Combine(directory, "graph.usearch");
        File.WriteAllBytes(graph, bytes);
        var path = Path.Combine(directory, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        manifest["files"]!["graph.usearch"]!["bytes"] = bytes.Length;
        manifest["files"]!["graph.usearch"]!["sha256"] = IndexFiles.Sha256Of(graph);
        File.WriteAllText(path, manifest.ToJsonString());
    }

    public short Level(int node) => BinaryPrimitives.ReadInt16LittleEndian(Bytes.AsSpan(LevelsAt + (2 * node)));

    /// <summary>Offset of node <paramref name="node"/>'s record (key, level, neighbour lists).</summary>
    public int NodeAt(int node)
    {
        var at = LevelsAt + (2 * Size);
        for (var i = 0; i < node; i++)
        {
            at += NodeBytes(Level(i));
        }

        return at;
    }

    /// <summary>Offset of the neighbour count of <paramref name="node"/> on <paramref name="level"/>; slots follow it.</summary>
    public int ListAt(int node, int level) =>
        NodeAt(node) + 10 + (level == 0 ? 0 : 4 + (4 * ConnectivityBase) + ((level - 1) * (4 + (4 * Connectivity))));

    public uint Count(int node, int level) => U32(ListAt(node, level));

    public uint Neighbour(int node, int level, int j) => U32(ListAt(node, level) + 4 + (4 * j));

    public ulong Key(int node) => U64(NodeAt(node));

    public uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(at));

    public ulong U64(int at) => BinaryPrimitives.ReadUInt64LittleEndian(Bytes.AsSpan(at));

    public void SetU32(int at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Bytes.AsSpan(at), value);

    public void SetU64(int at, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Bytes.AsSpan(at), value);

    public void SetI16(int at, short value) => BinaryPrimitives.WriteInt16LittleEndian(Bytes.AsSpan(at), value);

    private int NodeBytes(int level) => 10 + 4 + (4 * ConnectivityBase) + (level * (4 + (4 * Connectivity)));
}
