namespace MultiModal.Training.Data;

/// <summary>Which CIFAR binary release a folder holds.</summary>
public enum CifarVariant
{
    /// <summary>CIFAR-10 (<c>cifar-10-batches-bin</c>): data_batch_1..5.bin, test_batch.bin, batches.meta.txt.</summary>
    Cifar10,

    /// <summary>CIFAR-100 (<c>cifar-100-binary</c>): train.bin, test.bin, fine_label_names.txt (fine labels are used).</summary>
    Cifar100,
}
