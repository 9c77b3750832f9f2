using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace MultiModal.Bench.Soak.Service;

/// <summary>What the mutator did to one file name.</summary>
internal enum MutationKind
{
    Add,
    Change,
    Delete,
    Corrupt,
}

/// <summary>
/// The changing image folder: names <c>dN/imgNNNN.png</c> in four subfolders, each absent or holding a copy of one
/// variant, or an undecodable file. Every write goes to a <c>.tmp</c> name (not an image extension, so indexing
/// ignores it) and is renamed over the target, so a reader sees a whole old or whole new file. Each name's history of
/// contents is recorded before the rename: a search hit must match one of them.
/// </summary>
internal sealed class FolderMutator
{
    /// <summary>History value of an undecodable file.</summary>
    public const int Corrupt = -1;

    private readonly string _root;
    private readonly IReadOnlyList<string> _variants;
    private readonly int _target;
    private readonly string[] _names;
    private readonly int?[] _current; // per name: variant, Corrupt, or null when absent (mutator thread only)
    private readonly ConcurrentDictionary<string, List<int>> _history = new(StringComparer.Ordinal);
    private int _present;

    public FolderMutator(string root, IReadOnlyList<string> variants, int files)
    {
        _root = root;
        _variants = variants;
        _target = files;
        _names = Enumerable.Range(0, files * 3 / 2).Select(i => Path.Combine(root, $"d{i % 4}", $"img{i:D4}.png")).ToArray();
        _current = new int?[_names.Length];
        for (var d = 0; d < 4; d++)
        {
            Directory.CreateDirectory(Path.Combine(root, $"d{d}"));
        }
    }

    public string Root => _root;

    /// <summary>Fills the folder with <c>files</c> copies of random variants.</summary>
    public void Populate(Random rng)
    {
        while (_present < _target)
        {
            var i = rng.Next(_names.Length);
            if (_current[i] is null)
            {
                Put(i, rng.Next(_variants.Count));
            }
        }
    }

    /// <summary>One random change: add 35%, change 35%, delete 27%, corrupt 3%; the folder stays within ±25% of its start size.</summary>
    public MutationKind Step(Random rng)
    {
        var roll = rng.NextDouble();
        var kind = roll < 0.03 ? MutationKind.Corrupt : roll < 0.38 ? MutationKind.Add : roll < 0.73 ? MutationKind.Change : MutationKind.Delete;
        if (kind == MutationKind.Add && _present >= _target * 1.25)
        {
            kind = MutationKind.Change;
        }
        if (kind == MutationKind.Delete && _present <= _target * 0.75)
        {
            kind = MutationKind.Add;
        }
        var i = Pick(rng, present: kind is MutationKind.Change or MutationKind.Delete ? true : kind == MutationKind.Add ? false : null);
        switch (kind)
        {
            case MutationKind.Delete:
                File.Delete(_names[i]);
                _current[i] = null;
                _present--;
                break;
            case MutationKind.Corrupt:
                Write(i, Corrupt, RandomNumberGenerator.GetBytes(rng.Next(100, 2000)));
                break;
            default:
                int variant;
                do
                {
                    variant = rng.Next(_variants.Count);
                }
                while (variant == _current[i]);
                Put(i, variant);
                break;
        }
        return kind;
    }

    /// <summary>The contents <paramref name="path"/> has held so far (variants or <see cref="Corrupt"/>), or null if never written.</summary>
    public int[]? History(string path)
    {
        if (!_history.TryGetValue(path, out var list))
        {
            return null;
        }
        lock (list)
        {
            return [.. list];
        }
    }

    /// <summary>Present files and their content (call when the mutator is stopped).</summary>
    public IReadOnlyDictionary<string, int> Present() => Enumerable.Range(0, _names.Length)
        .Where(i => _current[i] is not null).ToDictionary(i => _names[i], i => _current[i]!.Value, StringComparer.Ordinal);

    private int Pick(Random rng, bool? present)
    {
        while (true)
        {
            var i = rng.Next(_names.Length);
            if (present is null || (_current[i] is not null) == present)
            {
                return i;
            }
        }
    }

    private void Put(int i, int variant) => Write(i, variant, File.ReadAllBytes(_variants[variant]));

    private void Write(int i, int content, byte[] bytes)
    {
        var path = _names[i];
        var list = _history.GetOrAdd(path, _ => []);
        lock (list)
        {
            list.Add(content); // before the file appears, so a reader never sees content missing from the history
        }
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
        if (_current[i] is null)
        {
            _present++;
        }
        _current[i] = content;
    }
}
