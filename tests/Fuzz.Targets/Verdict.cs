using System.Diagnostics;
using System.Reflection;

namespace MultiModal.Fuzz;

/// <summary>How one input fared.</summary>
public enum VerdictKind
{
    /// <summary>The library accepted the input.</summary>
    Accepted,

    /// <summary>The library refused it with one of the exceptions its API documents.</summary>
    Rejected,

    /// <summary>Anything else: an undocumented exception, a masked internal error, a hang, a memory blow-up, a crash.</summary>
    Finding,
}

/// <summary>
/// The outcome of one input: what was thrown (if anything), where, and a signature that groups inputs failing the
/// same way (exception type + the first frame in MultiModal code).
/// </summary>
public sealed record Verdict(VerdictKind Kind, string Type, string Message, string Where)
{
    /// <summary>The input was accepted.</summary>
    public static Verdict Accepted { get; } = new(VerdictKind.Accepted, "", "", "");

    /// <summary>
    /// Groups outcomes that fail the same way: "kind type @ frame", and for findings the start of the message with digits
    /// and quoted paths blanked ("can't allocate memory" and "from is out of bounds" from one constructor are two bugs).
    /// </summary>
    public string Signature => Kind switch
    {
        VerdictKind.Accepted => "accepted",
        VerdictKind.Rejected => $"rejected {Type} @ {Where}",
        _ => $"finding {Type} @ {Where}: {MessageShape(Message)}",
    };

    private static string MessageShape(string message)
    {
        var shape = System.Text.RegularExpressions.Regex.Replace(message, @"'[^']*'|/\S+|\d+", "#");
        return shape.Length > 40 ? shape[..40] : shape;
    }

    /// <summary>A documented refusal.</summary>
    public static Verdict Rejected(Exception e) => new(VerdictKind.Rejected, e.GetType().Name, OneLine(e.Message), Frame(e));

    /// <summary>An undocumented exception (or a documented one masking an internal error, named by <paramref name="prefix"/>).</summary>
    /// <remarks>An exception that never passed through library code is the harness's own bug: its type says so.</remarks>
    public static Verdict Finding(Exception e, string prefix = "")
    {
        var root = prefix.Length > 0 && e.InnerException is { } inner ? inner : e;
        var harness = !new StackTrace(root, fNeedFileInfo: false).GetFrames().Any(f => IsLibrary(f.GetMethod()));
        return new(VerdictKind.Finding, (harness ? "harness-error " : prefix) + root.GetType().Name, OneLine(root.Message), Frame(root));
    }

    private static bool IsLibrary(MethodBase? method)
    {
        var type = method?.DeclaringType?.FullName ?? "";
        return type.StartsWith("MultiModal.", StringComparison.Ordinal) && !type.StartsWith("MultiModal.Fuzz", StringComparison.Ordinal)
            || type.StartsWith("SixLabors.", StringComparison.Ordinal) || type.StartsWith("TorchSharp.", StringComparison.Ordinal)
            || type.StartsWith("Cloud.Unum.", StringComparison.Ordinal);
    }

    /// <summary>A finding that is not an exception (hang, memory cap, process death).</summary>
    public static Verdict Fatal(string type, string message) => new(VerdictKind.Finding, type, OneLine(message), "-");

    /// <summary>The first stack frame in MultiModal code (else the top frame), as "Namespace.Type.Method".</summary>
    public static string Frame(Exception e)
    {
        var frames = new StackTrace(e, fNeedFileInfo: false).GetFrames();
        MethodBase? top = null;
        foreach (var frame in frames)
        {
            var method = frame.GetMethod();
            if (method is null)
            {
                continue;
            }
            top ??= method;
            if (IsLibrary(method) && method.DeclaringType!.FullName!.StartsWith("MultiModal.", StringComparison.Ordinal))
            {
                return Describe(method);
            }
        }
        return top is null ? "-" : Describe(top);
    }

    /// <summary>
    /// Whether MultiModal code threw <paramref name="e"/>: the first frame outside the runtime's System.* helpers (a span
    /// indexer, ThrowHelper) is in a MultiModal namespace, not in a third-party library such as ImageSharp.
    /// </summary>
    public static bool ThrownByMultiModal(Exception e)
    {
        foreach (var frame in new StackTrace(e, fNeedFileInfo: false).GetFrames())
        {
            var ns = frame.GetMethod()?.DeclaringType?.Namespace ?? "";
            if (ns.StartsWith("System", StringComparison.Ordinal) || ns.StartsWith("Internal", StringComparison.Ordinal))
            {
                continue;
            }
            return ns.StartsWith("MultiModal.", StringComparison.Ordinal);
        }
        return false;
    }

    private static string Describe(MethodBase method)
    {
        // Lambdas and iterators live in compiler-generated nested types: name the user type instead.
        var type = method.DeclaringType;
        while (type is { DeclaringType: not null } && type.Name.Contains('<'))
        {
            type = type.DeclaringType;
        }
        return $"{type?.FullName}.{method.Name}";
    }

    private static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ");
        return line.Length > 300 ? line[..300] + "..." : line;
    }
}
