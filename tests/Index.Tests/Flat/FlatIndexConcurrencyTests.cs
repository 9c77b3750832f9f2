using MultiModal.Index.Flat;

namespace MultiModal.Index.Tests.Flat;

public sealed class FlatIndexConcurrencyTests
{
    [Fact]
    public async Task SearchWhileWriting_FourReadersOneWriter_NoTornResultsNoLostWrites()
    {
        // Key k always holds the vector derived from k, so a reader can recompute every returned score exactly.
        const int dims = 8;
        static float[] VectorOf(long key) => Enumerable.Range(0, dims).Select(j => MathF.Sin(key * 0.37f + j)).ToArray();
        using var index = FlatIndex.Create(dims, Metric.L2, new FlatIndexOptions { Threads = 1 });
        index.Add(Enumerable.Range(0, 200).SelectMany(k => VectorOf(k)).ToArray(), Enumerable.Range(0, 200).Select(k => (long)k).ToArray());
        var stop = DateTime.UtcNow.AddMilliseconds(800);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var expected = new HashSet<long>(Enumerable.Range(0, 200).Select(k => (long)k));

        var writer = Task.Run(() =>
        {
            var rng = new Random(11);
            long next = 200;
            while (DateTime.UtcNow < stop)
            {
                if (rng.Next(2) == 0 || expected.Count < 50)
                {
                    index.Add(VectorOf(next), [next]);
                    expected.Add(next++);
                }
                else
                {
                    long victim = expected.ElementAt(rng.Next(expected.Count));
                    index.Remove([victim]);
                    expected.Remove(victim);
                }
            }
        });
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(() =>
        {
            var query = VectorOf(1000 + r);
            while (DateTime.UtcNow < stop)
            {
                var result = index.Search(query, 5);
                for (int j = 0; j < 5; j++)
                {
                    long key = result.Keys[j];
                    if (key < 0)
                    {
                        errors.Enqueue($"padding with a non-empty index at slot {j}");
                        continue;
                    }
                    var v = VectorOf(key);
                    float exact = 0;
                    for (int i = 0; i < dims; i++)
                    {
                        exact += (query[i] - v[i]) * (query[i] - v[i]);
                    }
                    if (Math.Abs(exact - result.Scores[j]) > 1e-4f)
                    {
                        errors.Enqueue($"key {key}: score {result.Scores[j]}, exact {exact}");
                    }
                }
            }
        })).ToArray();
        await Task.WhenAll([writer, .. readers]);

        Assert.Empty(errors);
        Assert.Equal(expected.Count, index.Count);
        Assert.All(expected, key => Assert.True(index.Contains(key)));
        // Contents exact: each stored key is its own nearest neighbour at distance 0.
        var check = expected.Take(20).ToArray();
        var result = index.Search(check.SelectMany(k => VectorOf(k)).ToArray(), 1);
        Assert.Equal(check, result.Keys);
    }
}
