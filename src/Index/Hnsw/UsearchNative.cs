using System.Reflection;
using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace MultiModal.Index.Hnsw;

/// <summary>
/// The parts of <c>libusearch_c</c> that the managed <see cref="USearchIndex"/> wrapper (2.26.6) does not expose:
/// expansion and thread setters, reserve, and pointer-based add/search (the wrapper copies every row into an array
/// and calls reserve inside each add, which is not safe from several threads).
/// </summary>
/// <remarks>Signatures follow <c>c/usearch.h</c>; the error out-parameter points at a static string (never freed).</remarks>
internal static unsafe partial class UsearchNative
{
    private const string Library = "libusearch_c";

    // The wrapper keeps the native handle in a private field; we borrow it and leave ownership with the wrapper.
    private static readonly FieldInfo HandleField = typeof(USearchIndex).GetField("_index", BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new MissingFieldException(typeof(USearchIndex).FullName, "_index");

    /// <summary>The native <c>usearch_index_t</c> behind <paramref name="index"/>.</summary>
    public static nint Handle(USearchIndex index)
    {
        var handle = (nint)HandleField.GetValue(index)!;
        return handle != 0 ? handle : throw new ObjectDisposedException(nameof(USearchIndex));
    }

    [LibraryImport(Library, EntryPoint = "usearch_change_expansion_search")]
    private static partial void ChangeExpansionSearch(nint index, nuint expansion, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_add")]
    private static partial void ChangeThreadsAdd(nint index, nuint threads, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_search")]
    private static partial void ChangeThreadsSearch(nint index, nuint threads, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_reserve")]
    private static partial void Reserve(nint index, nuint capacity, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_capacity")]
    private static partial nuint Capacity(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_size")]
    private static partial nuint Size(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_dimensions")]
    private static partial nuint DimensionsOfIndex(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_contains")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool Contains(nint index, ulong key, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_remove")]
    private static partial nuint Remove(nint index, ulong key, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_add")]
    private static partial void Add(nint index, ulong key, float* vector, ScalarKind kind, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_search")]
    private static partial nuint Search(nint index, float* query, ScalarKind kind, nuint count, ulong* keys, float* distances, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_save", StringMarshalling = StringMarshalling.Utf8)]
    private static partial void Save(nint index, string path, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_load", StringMarshalling = StringMarshalling.Utf8)]
    private static partial void Load(nint index, string path, out nint error);

    public static void SetExpansionSearch(nint index, int expansion) { ChangeExpansionSearch(index, (nuint)expansion, out var e); Check(e, "change_expansion_search"); }

    public static void SetThreads(nint index, int threads)
    {
        ChangeThreadsAdd(index, (nuint)threads, out var e);
        Check(e, "change_threads_add");
        ChangeThreadsSearch(index, (nuint)threads, out e);
        Check(e, "change_threads_search");
    }

    public static void ReserveCapacity(nint index, long capacity) { Reserve(index, (nuint)capacity, out var e); Check(e, "reserve"); }

    public static long CapacityOf(nint index) { var c = Capacity(index, out var e); Check(e, "capacity"); return (long)c; }

    public static long SizeOf(nint index) { var s = Size(index, out var e); Check(e, "size"); return (long)s; }

    public static int DimensionsOf(nint index) { var d = DimensionsOfIndex(index, out var e); Check(e, "dimensions"); return (int)d; }

    public static bool Has(nint index, ulong key) { var r = Contains(index, key, out var e); Check(e, "contains"); return r; }

    public static int RemoveKey(nint index, ulong key) { var r = Remove(index, key, out var e); Check(e, "remove"); return (int)r; }

    public static void AddVector(nint index, ulong key, float* vector) { Add(index, key, vector, ScalarKind.Float32, out var e); Check(e, "add"); }

    public static int SearchVector(nint index, float* query, int k, ulong* keys, float* distances)
    {
        var found = Search(index, query, ScalarKind.Float32, (nuint)k, keys, distances, out var e);
        Check(e, "search");
        return (int)found;
    }

    public static void SaveTo(nint index, string path) { Save(index, path, out var e); Check(e, "save"); }

    public static void LoadFrom(nint index, string path) { Load(index, path, out var e); Check(e, "load"); }

    private static void Check(nint error, string operation)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"usearch_{operation} failed: {Marshal.PtrToStringUTF8(error)}");
        }
    }
}
