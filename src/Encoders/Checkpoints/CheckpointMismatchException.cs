namespace MultiModal.Encoders.Checkpoints;

/// <summary>
/// A checkpoint's tensors do not match the model built from its config: tensors the model needs are missing, the
/// file has tensors the model does not use, or shapes differ. The message lists every offending key.
/// </summary>
public sealed class CheckpointMismatchException : Exception
{
    /// <summary>Creates the exception; the message is built from the three lists.</summary>
    public CheckpointMismatchException(string filePath, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misshaped)
        : base(BuildMessage(filePath, missing, unexpected, misshaped))
    {
        FilePath = filePath;
        Missing = missing;
        Unexpected = unexpected;
        Misshaped = misshaped;
    }

    /// <summary>
    /// Creates the exception for a file that cannot fit the config as a whole (for example a config implying far more
    /// tensors than the file holds), when listing every key would itself be the problem. The lists are empty.
    /// </summary>
    /// <param name="filePath">The checkpoint file.</param>
    /// <param name="problem">What does not fit, in words (no file name: the message adds it).</param>
    public CheckpointMismatchException(string filePath, string problem)
        : base($"Checkpoint {filePath} does not match the model config: {problem}.")
    {
        FilePath = filePath;
        Missing = [];
        Unexpected = [];
        Misshaped = [];
    }

    /// <summary>The checkpoint file.</summary>
    public string FilePath { get; }

    /// <summary>Checkpoint keys the model needs that the file lacks.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Keys in the file that the model does not use.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>"key: file [a, b] vs model [c, d]" for each tensor whose shape differs.</summary>
    public IReadOnlyList<string> Misshaped { get; }

    private static string BuildMessage(string filePath, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misshaped)
    {
        var parts = new List<string>();
        if (missing.Count > 0)
        {
            parts.Add($"missing {missing.Count}: {string.Join(", ", missing)}");
        }
        if (unexpected.Count > 0)
        {
            parts.Add($"unexpected {unexpected.Count}: {string.Join(", ", unexpected)}");
        }
        if (misshaped.Count > 0)
        {
            parts.Add($"wrong shape {misshaped.Count}: {string.Join("; ", misshaped)}");
        }
        return $"Checkpoint {filePath} does not match the model config ({string.Join(" | ", parts)}).";
    }
}
