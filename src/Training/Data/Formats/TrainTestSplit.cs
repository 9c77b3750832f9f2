namespace MultiModal.Training.Data;

/// <summary>The two splits of IDX (MNIST, Fashion-MNIST) and CIFAR datasets.</summary>
public enum TrainTestSplit
{
    /// <summary>The training split.</summary>
    Train,

    /// <summary>The test split.</summary>
    Test,
}
