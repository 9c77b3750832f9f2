namespace MultiModal.Encoders.Onnx;

/// <summary>How <see cref="OnnxClipModel.Load"/> opens an ONNX CLIP export.</summary>
public sealed record OnnxClipLoadOptions
{
    /// <summary>ONNX Runtime session settings (provider, threads, device). Default: CPU, ONNX Runtime's thread count.</summary>
    public OnnxSessionOptions Session { get; init; } = new();

    /// <summary>
    /// Overrides where the CLIP vocabulary is read from: a BPE archive file, or a folder holding vocab.json and
    /// merges.txt (see <see cref="Tokenization.ClipTokenizer.FromModelDirectory"/>). Null: the export folder.
    /// </summary>
    public string? TokenizerPath { get; init; }

    /// <summary>
    /// The logit multiplier (<c>exp(logit_scale)</c>, e.g. 100) to report as <see cref="OnnxClipModel.LogitScale"/>.
    /// Null: config.json's <c>logit_scale</c> (ln space) when present, else 100. See <see cref="OnnxClipModel.LogitScale"/>.
    /// </summary>
    public float? LogitScale { get; init; }

    /// <summary>
    /// Decode truncated JPEG and PNG files as PIL does with <c>ImageFile.LOAD_TRUNCATED_IMAGES = True</c> (missing
    /// blocks grey, missing rows zero) instead of refusing them; sets <see cref="Encoders.Imaging.ImagePreprocessOptions.AllowTruncated"/>
    /// on the model's preprocessing. Off by default: a half-grey photo is a wrong embedding.
    /// </summary>
    public bool AllowTruncatedImages { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Session, nameof(Session));
        Session.Validate();
        if (LogitScale is float s && (!float.IsFinite(s) || s <= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(LogitScale), LogitScale, "LogitScale must be finite and positive.");
        }
    }
}
