namespace MultiModal.Index.Flat;

/// <summary>
/// A bounded min-heap over caller-owned spans keeping the k best (score, row) pairs, "higher is closer"; the root is
/// the worst kept. Order: higher score first, then lower row; empty slots are (-inf, -1) and lose to everything.
/// Rows arrive in increasing order, so a new score equal to the worst loses to it (strict greater-than test).
/// </summary>
internal readonly ref struct TopKHeap(Span<float> scores, Span<int> rows)
{
    private readonly Span<float> _scores = scores;
    private readonly Span<int> _rows = rows;

    /// <summary>&gt; 0 when (sa, ra) is closer than (sb, rb).</summary>
    public static int Compare(float sa, int ra, float sb, int rb)
    {
        if (sa != sb)
        {
            return sa > sb ? 1 : -1;
        }
        if (ra == rb)
        {
            return 0;
        }
        // Padding (-1) loses; otherwise lower row wins.
        if (ra < 0) return -1;
        if (rb < 0) return 1;
        return ra < rb ? 1 : -1;
    }

    /// <summary>
    /// Keeps (score, row) if it beats the worst kept pair: a higher score, or any score while a slot is empty. Rows
    /// must arrive in increasing order (an equal score loses to the earlier row). True when kept.
    /// </summary>
    public bool TryPush(float score, int row)
    {
        if (score > _scores[0] || (score == _scores[0] && _rows[0] < 0))
        {
            Replace(score, row);
            return true;
        }
        return false;
    }

    /// <summary>Replaces the root with (score, row) and sifts it down.</summary>
    private void Replace(float score, int row)
    {
        int n = _scores.Length, i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= n)
            {
                break;
            }
            if (child + 1 < n && Compare(_scores[child + 1], _rows[child + 1], _scores[child], _rows[child]) < 0)
            {
                child++;
            }
            if (Compare(_scores[child], _rows[child], score, row) >= 0)
            {
                break;
            }
            _scores[i] = _scores[child];
            _rows[i] = _rows[child];
            i = child;
        }
        _scores[i] = score;
        _rows[i] = row;
    }

    /// <summary>Turns the heap into a best-first list (heap sort, k log k).</summary>
    public void SortBestFirst()
    {
        for (int end = _scores.Length - 1; end > 0; end--)
        {
            (_scores[0], _scores[end]) = (_scores[end], _scores[0]);
            (_rows[0], _rows[end]) = (_rows[end], _rows[0]);
            new TopKHeap(_scores[..end], _rows[..end]).SiftDown();
        }
    }

    private void SiftDown()
    {
        float score = _scores[0];
        int row = _rows[0];
        Replace(score, row);
    }
}
