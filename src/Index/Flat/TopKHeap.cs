using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    public void PushAll(ReadOnlySpan<float> tile, int firstRow)
    {
        float worst = _scores[0];
        int j = 0;
        if (Vector256.IsHardwareAccelerated && _rows[0] >= 0)
        {
            // Most scores lose to the current worst: test 8 at a time and only walk groups holding a winner.
            ref float start = ref MemoryMarshal.GetReference(tile);
            for (; j <= tile.Length - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)j);
                if (Vector256.GreaterThanAny(v, Vector256.Create(worst)))
                {
                    for (int i = j; i < j + Vector256<float>.Count; i++)
                    {
                        if (tile[i] > worst)
                        {
                            Replace(tile[i], firstRow + i);
                            worst = _scores[0];
                        }
                    }
                }
            }
        }
        for (; j < tile.Length; j++)
        {
            if (tile[j] > worst || (tile[j] == worst && _rows[0] < 0))
            {
                Replace(tile[j], firstRow + j);
                worst = _scores[0];
            }
        }
    }

    public void PushAllL2(ReadOnlySpan<float> twiceDots, ReadOnlySpan<float> norms, int firstRow)
    {
        float worst = _scores[0];
        for (int j = 0; j < twiceDots.Length; j++)
        {
            float s = twiceDots[j] - norms[j];
            if (s > worst || (s == worst && _rows[0] < 0))
            {
                Replace(s, firstRow + j);
                worst = _scores[0];
            }
        }
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
