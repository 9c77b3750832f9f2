namespace MultiModal.Eval;

/// <summary>The stages an evaluation reports progress for, in the order they run.</summary>
public enum EvalStage
{
    /// <summary>Encoding the prompts of each class into zero-shot class weights (units: classes).</summary>
    ClassWeights,

    /// <summary>Encoding the captions (units: captions).</summary>
    Texts,

    /// <summary>Encoding the images (units: images).</summary>
    Images,

    /// <summary>Scoring and ranking (units: queries: images for classification, captions for retrieval).</summary>
    Scoring,
}
