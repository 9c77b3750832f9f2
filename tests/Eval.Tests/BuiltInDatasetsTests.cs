using MultiModal.Index.ZeroShot;
using MultiModal.Training.Data;

namespace MultiModal.Eval.Tests;

public sealed class BuiltInDatasetsTests
{
    [Fact]
    public void FashionMnist_ZeroShotClassNames_EqualTheDatasetLabels()
    {
        // mm eval / mm demo build the classifier from the dataset's names and the templates from ZeroShotDatasets:
        // the two lists must stay one list.
        Assert.Equal(FashionMnist.ClassNames, ZeroShotDatasets.Get("fashion-mnist").ClassNames);
    }
}
