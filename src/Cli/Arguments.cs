namespace MultiModal.Cli;

/// <summary>A parsed command line: <c>--name value</c> options (repeatable), <c>--flag</c>s and positionals.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly HashSet<string> _missingValue = new(StringComparer.Ordinal);

    private Arguments(List<string> positionals) => Positionals = positionals;

    public IReadOnlyList<string> Positionals { get; }

    /// <summary>
    /// Parses <paramref name="args"/>; <paramref name="flags"/> take no value, every other <c>--x</c> takes one.
    /// A value never starts with <c>--</c> (write <c>--text=--literal</c> for that), so an option followed by another
    /// option, or given last, has no value: reading it is "needs a value", never reading it is "unknown option".
    /// </summary>
    /// <exception cref="HelpRequestedException"><c>--help</c> or <c>-h</c> appears before <c>--</c>.</exception>
    public static Arguments Parse(IReadOnlyList<string> args, IReadOnlySet<string> flags)
    {
        var positionals = new List<string>();
        var result = new Arguments(positionals);
        if (args.TakeWhile(a => a != "--").Any(a => a is "--help" or "-h"))
        {
            throw new HelpRequestedException();
        }
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positionals.AddRange(args.Skip(i + 1));
                break;
            }
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var name = arg[2..];
                string? inline = null;
                var eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0)
                {
                    inline = name[(eq + 1)..];
                    name = name[..eq];
                }
                if (flags.Contains(name))
                {
                    if (inline is not null)
                    {
                        throw new UsageException($"--{name} takes no value.");
                    }
                    result._flags.Add(name);
                    continue;
                }
                var value = inline ?? (i + 1 < args.Count && !LooksLikeOption(args[i + 1]) ? args[++i] : null);
                result.AddValue(name, value);
            }
            else if (arg.Length == 2 && arg[0] == '-' && char.IsLetter(arg[1]))
            {
                // Short options used by the contract (-k): value follows.
                result.AddValue(arg[1..], i + 1 < args.Count && !LooksLikeOption(args[i + 1]) ? args[++i] : null);
            }
            else
            {
                positionals.Add(arg);
            }
        }
        return result;
    }

    private static bool LooksLikeOption(string token) =>
        (token.Length > 2 && token.StartsWith("--", StringComparison.Ordinal)) || token == "--" || (token.Length == 2 && token[0] == '-' && char.IsLetter(token[1]));

    private void AddValue(string name, string? value)
    {
        if (value is null)
        {
            _missingValue.Add(name);
            return;
        }
        if (!_options.TryGetValue(name, out var list))
        {
            _options[name] = list = [];
        }
        list.Add(value);
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        return _flags.Contains(name);
    }

    public IReadOnlyList<string> All(string name)
    {
        _used.Add(name);
        if (_missingValue.Contains(name))
        {
            throw new UsageException($"{Display(name)} needs a value.");
        }
        return _options.TryGetValue(name, out var list) ? list : [];
    }

    public string? Optional(string name)
    {
        var all = All(name);
        return all.Count switch
        {
            0 => null,
            1 => all[0],
            _ => throw new UsageException($"{Display(name)} was given {all.Count} times."),
        };
    }

    public string Required(string name) => Optional(name) ?? throw new UsageException($"{Display(name)} is required.");

    public int Int(string name, int fallback, int min = 1)
    {
        var text = Optional(name);
        if (text is null)
        {
            return fallback;
        }
        if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < min)
        {
            throw new UsageException($"{Display(name)} must be an integer ≥ {min}, got '{text}'.");
        }
        return value;
    }

    /// <summary>Throws for options that no command read (typos such as <c>--imgae</c>).</summary>
    public void RejectUnused()
    {
        var unknown = _options.Keys.Concat(_flags).Concat(_missingValue).Where(k => !_used.Contains(k)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown option{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown.Select(Display))}. Add --help to see this command's options.");
        }
    }

    /// <summary>How the user typed an option: <c>-k</c> for one letter, <c>--name</c> otherwise.</summary>
    private static string Display(string name) => (name.Length == 1 ? "-" : "--") + name;
}

/// <summary>A command-line usage error (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary><c>--help</c> was given: the command's usage is printed and the exit code is 0.</summary>
internal sealed class HelpRequestedException() : Exception("help requested");
