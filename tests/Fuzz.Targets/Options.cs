using System.Globalization;

namespace MultiModal.Fuzz;

/// <summary>"--name value" options; repeated names collect; bare words go to <see cref="Rest"/>.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, List<string>> values = new(StringComparer.Ordinal);

    public List<string> Rest { get; } = [];

    public TimeSpan Limit => TimeSpan.FromSeconds(double.Parse(Get("limit") ?? "20", CultureInfo.InvariantCulture));

    public static Options Parse(ReadOnlySpan<string> args)
    {
        var options = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                var name = args[i][2..];
                if (!options.values.TryGetValue(name, out var list))
                {
                    options.values[name] = list = [];
                }
                list.Add(args[++i]);
            }
            else
            {
                options.Rest.Add(args[i]);
            }
        }
        return options;
    }

    public string? Get(string name) => values.TryGetValue(name, out var v) ? v[^1] : null;

    public IReadOnlyList<string> All(string name) => values.TryGetValue(name, out var v) ? v : [];

    public string Require(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required.");

    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
