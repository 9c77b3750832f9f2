using TorchSharp;
using TorchSharp.Modules;
using MultiModal.Encoders.Models;
using MultiModal.Training.Config;
using MultiModal.Training.Data;
using static TorchSharp.torch;

namespace MultiModal.Training.Models;

/// <summary>A <see cref="ClipNetwork"/> trained on image-text batches, with the frozen-tower modes applied.</summary>
internal sealed class ClipContrastiveModel : IContrastiveModel<TrainingBatch>
{
    private readonly ClipNetwork _network;
    private readonly Device _device;

    public ClipContrastiveModel(ClipNetwork network, TrainingMode mode, Device device)
    {
        _network = network;
        _device = device;
        var all = network.named_parameters().ToList();
        foreach (var (name, parameter) in all)
        {
            parameter.requires_grad = IsTrainable(name, mode);
        }
        Trainable = all.Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList();
        network.train();
    }

    public nn.Module Module => _network;

    public IReadOnlyList<(string Name, Parameter Parameter)> Trainable { get; }

    public Parameter LogitScale => _network.LogitScale;

    public int Count(TrainingBatch batch) => batch.Count;

    /// <summary>Which parameters train in each mode (state-dict names of <see cref="ClipNetwork"/>).</summary>
    public static bool IsTrainable(string name, TrainingMode mode) => mode switch
    {
        TrainingMode.Full => true,
        TrainingMode.Lit => !name.StartsWith("visual.", StringComparison.Ordinal),
        TrainingMode.Projections => name is "visual.proj" or "text.text_projection" or "logit_scale",
        _ => false,
    };

    public (Tensor Image, Tensor Text) Embed(TrainingBatch batch)
    {
        using var scope = NewDisposeScope();
        long[] shape = [batch.Count, .. batch.ImageShape.Select(d => (long)d)];
        var pixels = tensor(batch.Pixels, shape).to(_device);                       // [B, 3, S, S]
        var tokens = tensor(batch.TokenIds, [batch.Count, batch.ContextLength]).to(_device); // [B, L]
        // Frozen parameters do not require grad, so autograd records nothing inside a locked tower (LiT) by itself.
        var image = _network.EncodeImage(pixels);
        var text = _network.EncodeText(tokens);
        return (image.MoveToOuterDisposeScope(), text.MoveToOuterDisposeScope());
    }
}
