namespace MultiModal.Eval;

/// <summary>
/// Running counts behind <see cref="ClassificationScores"/>: integer tallies, so merging per-thread tallies in any order
/// gives the same result.
/// </summary>
internal sealed class ClassificationTally(int classCount, int candidateCount)
{
    private readonly int[] _perClassSamples = new int[classCount];
    private readonly int[] _perClassHits = new int[classCount];
    private int _samples;
    private int _top1;
    private int _topK;

    public int TopK { get; } = Math.Min(ClassificationMetrics.TopK, candidateCount);

    /// <summary>Counts one sample given the 0-based rank of its true class among the candidates.</summary>
    public void Add(int label, int rank)
    {
        _samples++;
        _perClassSamples[label]++;
        if (rank == 0)
        {
            _top1++;
            _perClassHits[label]++;
        }
        if (rank < TopK)
        {
            _topK++;
        }
    }

    public void Merge(ClassificationTally other)
    {
        _samples += other._samples;
        _top1 += other._top1;
        _topK += other._topK;
        for (var c = 0; c < _perClassSamples.Length; c++)
        {
            _perClassSamples[c] += other._perClassSamples[c];
            _perClassHits[c] += other._perClassHits[c];
        }
    }

    public ClassificationScores ToScores()
    {
        if (_samples == 0)
        {
            throw new ArgumentException("No samples to score.");
        }
        double recallSum = 0;
        int present = 0;
        for (var c = 0; c < _perClassSamples.Length; c++)
        {
            // Classes without samples have no recall; balanced_accuracy_score drops them too.
            if (_perClassSamples[c] > 0)
            {
                recallSum += (double)_perClassHits[c] / _perClassSamples[c];
                present++;
            }
        }
        return new ClassificationScores((double)_top1 / _samples, (double)_topK / _samples, recallSum / present, _samples, candidateCount, TopK);
    }
}
