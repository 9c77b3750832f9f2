using TorchSharp;
using TorchSharp.Modules;
using MultiModal.Training.Config;
using static TorchSharp.torch;

namespace MultiModal.Training.Optim;

/// <summary>
/// AdamW (TorchSharp's <c>torch.optim.AdamW</c>) over the trainable parameters, split into parameter groups by
/// learning-rate multiplier and by <see cref="WeightDecayRule"/>; sets the scheduled rate, clips gradients and
/// saves/restores its per-parameter state (step, exp_avg, exp_avg_sq) by parameter name.
/// </summary>
internal sealed class TrainingOptimizer : IDisposable
{
    private readonly AdamW _adam;
    private readonly List<Group> _groups;
    private readonly List<(string Name, Parameter Parameter)> _ordered;

    private sealed record Group(double LrMultiplier, bool Decay, List<(string Name, Parameter Parameter)> Parameters);

    public TrainingOptimizer(IReadOnlyList<(string Name, Parameter Parameter)> trainable, OptimizerSection options)
    {
        if (trainable.Count == 0)
        {
            throw new ArgumentException("Nothing to train: every parameter is frozen.", nameof(trainable));
        }
        _groups = [];
        foreach (var (name, parameter) in trainable)
        {
            var multiplier = Multiplier(name, options.LrMultipliers);
            var decay = options.WeightDecay > 0 && !WeightDecayRule.Excludes(name, parameter);
            var group = _groups.FirstOrDefault(g => g.LrMultiplier == multiplier && g.Decay == decay);
            if (group is null)
            {
                _groups.Add(group = new Group(multiplier, decay, []));
            }
            group.Parameters.Add((name, parameter));
        }
        _ordered = _groups.SelectMany(g => g.Parameters).ToList();
        var paramGroups = _groups.Select(g => new AdamW.ParamGroup(
            g.Parameters.Select(p => p.Parameter), lr: options.Lr * g.LrMultiplier, beta1: options.Beta1, beta2: options.Beta2,
            eps: options.Eps, weight_decay: g.Decay ? options.WeightDecay : 0)).ToList();
        _adam = optim.AdamW(paramGroups, options.Lr, options.Beta1, options.Beta2, options.Eps, options.WeightDecay);
        Parameters = _ordered.Select(p => p.Parameter).ToList();
    }

    /// <summary>The trainable parameters in group order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Names of the decayed and not-decayed parameters (for tests and logs).</summary>
    public IReadOnlyList<string> DecayedNames => _groups.Where(g => g.Decay).SelectMany(g => g.Parameters.Select(p => p.Name)).ToList();

    /// <summary>The groups as (multiplier, decay, names).</summary>
    public IReadOnlyList<(double LrMultiplier, bool Decay, IReadOnlyList<string> Names)> Groups =>
        _groups.Select(g => (g.LrMultiplier, g.Decay, (IReadOnlyList<string>)g.Parameters.Select(p => p.Name).ToList())).ToList();

    /// <summary>Sets every group's rate to <paramref name="lr"/> times its multiplier.</summary>
    public void SetLearningRate(double lr)
    {
        var i = 0;
        foreach (var group in _adam.ParamGroups)
        {
            group.LearningRate = lr * _groups[i++].LrMultiplier;
        }
    }

    public void ZeroGrad() => _adam.zero_grad();

    /// <summary>Clips the global gradient L2 norm to <paramref name="maxNorm"/> (when &gt; 0); returns the norm before clipping.</summary>
    public double ClipGradients(double maxNorm)
    {
        if (maxNorm > 0)
        {
            return nn.utils.clip_grad_norm_(Parameters, maxNorm, 2.0);
        }
        using var scope = NewDisposeScope();
        var norms = Parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!.norm()).ToList();
        return norms.Count == 0 ? 0 : stack(norms).norm().item<float>();
    }

    public void Step() => _adam.step();

    /// <summary>The optimiser state as named CPU tensors: <c>step/NAME</c> (int64), <c>exp_avg/NAME</c>, <c>exp_avg_sq/NAME</c>.</summary>
    public List<KeyValuePair<string, Tensor>> StateTensors()
    {
        var states = _adam.state_dict().State;
        var result = new List<KeyValuePair<string, Tensor>>();
        for (var i = 0; i < _ordered.Count; i++)
        {
            var state = (AdamW.State)states[i];
            var name = _ordered[i].Name;
            result.Add(new($"step/{name}", tensor(state.step)));
            result.Add(new($"exp_avg/{name}", state.exp_avg.detach().cpu()));
            result.Add(new($"exp_avg_sq/{name}", state.exp_avg_sq.detach().cpu()));
        }
        return result;
    }

    /// <summary>Restores state written by <see cref="StateTensors"/>; <paramref name="read"/> returns a tensor by name or null when absent.</summary>
    /// <exception cref="InvalidDataException">A tensor is missing or mis-shaped; the message names it.</exception>
    public void LoadStateTensors(Func<string, Tensor?> read)
    {
        var states = _adam.state_dict().State;
        using var noGrad = no_grad();
        for (var i = 0; i < _ordered.Count; i++)
        {
            var state = (AdamW.State)states[i];
            var name = _ordered[i].Name;
            using var step = read($"step/{name}") ?? throw new InvalidDataException($"optimizer state for {name} is missing (step/{name}).");
            state.step = step.to(ScalarType.Int64).item<long>();
            Copy(state.exp_avg, read($"exp_avg/{name}"), $"exp_avg/{name}");
            Copy(state.exp_avg_sq, read($"exp_avg_sq/{name}"), $"exp_avg_sq/{name}");
        }
    }

    public void Dispose() => _adam.Dispose();

    private static void Copy(Tensor target, Tensor? value, string key)
    {
        using (value)
        {
            if (value is null)
            {
                throw new InvalidDataException($"optimizer state tensor {key} is missing.");
            }
            if (!value.shape.SequenceEqual(target.shape))
            {
                throw new InvalidDataException($"optimizer state tensor {key} has shape [{string.Join(", ", value.shape)}], expected [{string.Join(", ", target.shape)}].");
            }
            target.copy_(value);
        }
    }

    private static double Multiplier(string name, IReadOnlyDictionary<string, double> multipliers)
    {
        var best = multipliers.Where(kv => name.StartsWith(kv.Key, StringComparison.Ordinal)).OrderByDescending(kv => kv.Key.Length).FirstOrDefault();
        return best.Key is null ? 1.0 : best.Value;
    }
}
