using TorchSharp;
using TorchSharp.Modules;
using MultiModal.Encoders.Dual;
using MultiModal.Training.Features;
using static TorchSharp.torch;

namespace MultiModal.Training.Models;

/// <summary>Projection heads trained on cached frozen-tower features: every head parameter trains.</summary>
internal sealed class DualContrastiveModel : IContrastiveModel<FeatureBatch>
{
    private readonly DualProjectionHeads _heads;
    private readonly Device _device;

    public DualContrastiveModel(DualProjectionHeads heads, Device device)
    {
        _heads = heads;
        _device = device;
        heads.train();
        Trainable = heads.named_parameters().Select(p => (p.name, p.parameter)).ToList();
    }

    public nn.Module Module => _heads;

    public IReadOnlyList<(string Name, Parameter Parameter)> Trainable { get; }

    public Parameter LogitScale => _heads.LogitScale;

    public int Count(FeatureBatch batch) => batch.Count;

    public (Tensor Image, Tensor Text) Embed(FeatureBatch batch)
    {
        using var scope = NewDisposeScope();
        var image = tensor(batch.ImageFeatures, [batch.Count, batch.ImageDim]).to(_device); // [B, Di]
        var text = tensor(batch.TextFeatures, [batch.Count, batch.TextDim]).to(_device);    // [B, Dt]
        var imageEmbeddings = nn.functional.normalize(_heads.ProjectImage(image), dim: -1);  // [B, D]
        var textEmbeddings = nn.functional.normalize(_heads.ProjectText(text), dim: -1);     // [B, D]
        return (imageEmbeddings.MoveToOuterDisposeScope(), textEmbeddings.MoveToOuterDisposeScope());
    }
}
