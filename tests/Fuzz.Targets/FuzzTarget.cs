namespace MultiModal.Fuzz;

/// <summary>
/// One fuzz target: feeds an input to a public library entry point and judges the outcome. Accepting the input and
/// refusing it with an exception the API documents are both fine; anything else is a finding.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>Names accepted on the command line, in the order the README lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["jpeg", "png", "image", "safetensors", "npy", "index", "checkpoint"];

    /// <summary>The target's name (also its corpus folder under tests/fuzz/corpus).</summary>
    public abstract string Name { get; }

    /// <summary>Whether inputs are <see cref="FuzzArchive"/> bundles of files (mutations then work inside one file).</summary>
    public virtual bool TakesArchive => false;

    /// <summary>Resident-memory cap in MiB for one process running this target; passing it is a finding.</summary>
    public int MemoryCapMiB => MemoryCapOf(Name);

    /// <summary>
    /// The memory cap of target <paramref name="name"/>: 1 GiB (seeds peak under 200 MiB), 2 GiB for <c>checkpoint</c>,
    /// which builds the network its config declares (ViT-B/32 defaults: about 0.6 GB of float32 weights).
    /// </summary>
    public static int MemoryCapOf(string name) => name == "checkpoint" ? 2048 : 1024;

    /// <summary>
    /// Time limit of one case of target <paramref name="name"/>, as afl-fuzz's -t in run.sh: 5 s (seeds take well under
    /// 0.5 s), 30 s for <c>checkpoint</c>, which builds a network. A case over the limit is a hang finding.
    /// </summary>
    public static double CaseSecondsOf(string name) => name == "checkpoint" ? 30 : 5;

    /// <summary>Creates the target called <paramref name="name"/>; <paramref name="scratch"/> is a private temp folder.</summary>
    public static FuzzTarget Create(string name, string scratch) => name switch
    {
        "jpeg" => new ImageTarget(ImageTarget.Mode.Jpeg),
        "png" => new ImageTarget(ImageTarget.Mode.Png),
        "image" => new ImageTarget(ImageTarget.Mode.Any),
        "safetensors" => new SafeTensorsTarget(scratch),
        "npy" => new NpyTarget(scratch),
        "index" => new IndexTarget(scratch),
        "checkpoint" => new CheckpointTarget(scratch),
        _ => throw new ArgumentException($"Unknown target '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Runs the library on <paramref name="input"/> and judges the outcome; <paramref name="observe"/> sees any exception.</summary>
    public Verdict Run(byte[] input, Action<Exception>? observe = null)
    {
        try
        {
            Execute(input);
            return Verdict.Accepted;
        }
        catch (Exception e)
        {
            observe?.Invoke(e);
            return Judge(e);
        }
    }

    /// <summary>Calls the library; throws whatever it throws.</summary>
    protected abstract void Execute(byte[] input);

    /// <summary>Sorts an exception into a documented refusal or a finding.</summary>
    protected abstract Verdict Judge(Exception e);

    /// <summary>
    /// Exception types that always mean a bug when they escape a parser, whatever wraps them: the runtime's own
    /// failures (bounds, nulls, arithmetic, casts, memory) and argument/state errors that hostile bytes must not reach.
    /// </summary>
    protected static bool IsBugType(Exception e) => e is NullReferenceException or IndexOutOfRangeException
        or ArgumentException or InvalidOperationException or ArithmeticException or InvalidCastException
        or KeyNotFoundException or NotImplementedException or OutOfMemoryException or InsufficientExecutionStackException
        or AccessViolationException or ArrayTypeMismatchException or FormatException;
}
