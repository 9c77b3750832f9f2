namespace MultiModal.Training.Data;

/// <summary>The dataset families a <see cref="DatasetSpec"/> string can name.</summary>
public enum DatasetSpecKind
{
    /// <summary><c>fashion-mnist:SPLIT[:DIR]</c>: <see cref="FashionMnist"/>.</summary>
    FashionMnist,

    /// <summary><c>idx:IMAGES,LABELS</c>: <see cref="IdxDataset"/>.</summary>
    Idx,

    /// <summary><c>cifar10:DIR:SPLIT</c>: <see cref="CifarDataset"/>.</summary>
    Cifar10,

    /// <summary><c>cifar100:DIR:SPLIT</c>: <see cref="CifarDataset"/>.</summary>
    Cifar100,

    /// <summary><c>imagefolder:DIR</c>: <see cref="ImageFolderDataset"/>.</summary>
    ImageFolder,

    /// <summary><c>manifest:FILE</c> (.jsonl, .csv, .tsv): <see cref="ManifestDataset"/>.</summary>
    Manifest,

    /// <summary><c>karpathy:FILE:SPLIT[:IMAGE_ROOT]</c>: <see cref="KarpathyDataset"/>.</summary>
    Karpathy,
}
