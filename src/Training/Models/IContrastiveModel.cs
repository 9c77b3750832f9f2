using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultiModal.Training.Models;

/// <summary>What the training loop needs of a model: its trainable parameters, the temperature, and embeddings of a batch.</summary>
internal interface IContrastiveModel<in TBatch>
{
    /// <summary>The module whose state dict checkpoints hold.</summary>
    nn.Module Module { get; }

    /// <summary>Parameters that train, by state-dict name (frozen ones excluded).</summary>
    IReadOnlyList<(string Name, Parameter Parameter)> Trainable { get; }

    /// <summary>The learnable log temperature.</summary>
    Parameter LogitScale { get; }

    /// <summary>Samples in a batch.</summary>
    int Count(TBatch batch);

    /// <summary>L2-normalised image and text embeddings [B, D] of the batch (recording the graph when gradients are enabled).</summary>
    (Tensor Image, Tensor Text) Embed(TBatch batch);
}
