namespace MultiModal.Eval;

/// <summary>Recall at one k in both directions.</summary>
/// <param name="K">How many retrieved items count.</param>
/// <param name="ImageRetrieval">
/// Text→image: the fraction of captions whose own image is among the first k images retrieved for the caption
/// (CLIP_benchmark's <c>image_retrieval_recall@k</c>: images are what is retrieved).
/// </param>
/// <param name="TextRetrieval">
/// Image→text: the fraction of images (those with at least one caption) with any of their true captions among the
/// first k captions retrieved for the image (CLIP_benchmark's <c>text_retrieval_recall@k</c>).
/// </param>
public sealed record RecallAtK(int K, double ImageRetrieval, double TextRetrieval);
