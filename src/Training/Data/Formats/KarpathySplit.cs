namespace MultiModal.Training.Data;

/// <summary>Which images of a Karpathy split file (<c>dataset_coco.json</c>, <c>dataset_flickr30k.json</c>) to use.</summary>
public enum KarpathySplit
{
    /// <summary>Images whose <c>split</c> is <c>train</c>.</summary>
    Train,

    /// <summary>Images whose <c>split</c> is <c>val</c> (5,000 for COCO, 1,000 for Flickr30k).</summary>
    Val,

    /// <summary>Images whose <c>split</c> is <c>test</c> (5,000 for COCO, 1,000 for Flickr30k).</summary>
    Test,

    /// <summary>Images whose <c>split</c> is <c>restval</c> (COCO's 30,504 val2014 images outside val and test).</summary>
    Restval,

    /// <summary><c>train</c> and <c>restval</c> together, the usual COCO training set (113,287 images), in file order.</summary>
    TrainRestval,
}
