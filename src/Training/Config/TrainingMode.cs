namespace MultiModal.Training.Config;

/// <summary>Which parameters train (JSON: <c>full</c>, <c>lit</c>, <c>projections</c>, <c>linear-probe</c>).</summary>
public enum TrainingMode
{
    /// <summary>Every parameter of the CLIP network trains.</summary>
    Full,

    /// <summary>
    /// Locked-image tuning (LiT, arXiv:2111.07991): the image tower is frozen; the text tower, the projections and
    /// the temperature train. For a projected dual encoder both towers are frozen anyway and the heads train.
    /// </summary>
    Lit,

    /// <summary>Only the two projections and the temperature train (both towers frozen).</summary>
    Projections,

    /// <summary>No contrastive training: logistic regression on frozen image features with the dataset's labels.</summary>
    LinearProbe,
}
