namespace MultiModal.Bench.Soak.Truth;

/// <summary>What the writer does next.</summary>
internal enum WriterOpKind
{
    Add,
    Upsert,
    Remove,
}

/// <summary>One writer batch: slot changes (null removes) and keys to remove that are not stored.</summary>
internal sealed record WriterBatch(List<(int Slot, TruthVector? Vector)> Changes, long[] UnknownKeys);

/// <summary>The writer's seeded random mix: 35% add, 35% upsert, 30% remove, pushed back towards the target size outside ±10%.</summary>
internal static class WriterOp
{
    public static WriterOpKind Choose(Random rng, int count, int target)
    {
        var roll = rng.NextDouble();
        if (count < target * 0.9)
        {
            return roll < 0.5 ? WriterOpKind.Add : WriterOpKind.Upsert;
        }
        if (count > target * 1.1)
        {
            return WriterOpKind.Remove;
        }
        return roll < 0.35 ? WriterOpKind.Add : roll < 0.7 ? WriterOpKind.Upsert : WriterOpKind.Remove;
    }

    public static string Name(WriterOpKind op) => op switch
    {
        WriterOpKind.Add => "add",
        WriterOpKind.Upsert => "upsert",
        _ => "remove",
    };

    /// <summary>Add: <paramref name="batch"/> free slots. Upsert: each slot 70% a stored one (replaced), else a free one.</summary>
    public static WriterBatch Insertions(Random rng, SlotPool pool, int batch, bool upsert, Func<float[]> newVector)
    {
        var changes = new List<(int, TruthVector?)>(batch);
        var chosen = new HashSet<int>();
        for (var i = 0; i < batch; i++)
        {
            var slot = upsert && pool.UsedCount > 0 && rng.NextDouble() < 0.7 ? pool.RandomUsed(rng)
                : pool.FreeCount > 0 ? pool.RandomFree(rng) : -1;
            if (slot < 0 || !chosen.Add(slot))
            {
                continue; // a batch never repeats a key (the index rejects that)
            }
            changes.Add((slot, new TruthVector(newVector())));
        }
        foreach (var (slot, _) in changes)
        {
            if (!pool.IsUsed(slot))
            {
                pool.MarkUsed(slot);
            }
        }
        return new WriterBatch(changes, []);
    }

    /// <summary>Remove: <paramref name="batch"/> stored slots, sometimes with a free key (20%) and a foreign key (5%), which must be ignored.</summary>
    public static WriterBatch Removals(Random rng, SlotPool pool, int batch)
    {
        var changes = new List<(int, TruthVector?)>(batch);
        var chosen = new HashSet<int>();
        for (var i = 0; i < batch && pool.UsedCount > 0; i++)
        {
            var slot = pool.RandomUsed(rng);
            if (chosen.Add(slot))
            {
                changes.Add((slot, null));
            }
        }
        foreach (var (slot, _) in changes)
        {
            pool.MarkFree(slot);
        }
        var unknown = new List<long>();
        if (pool.FreeCount > 0 && rng.NextDouble() < 0.2)
        {
            var free = pool.RandomFree(rng);
            if (!chosen.Contains(free))
            {
                unknown.Add(TruthState.KeyOf(free));
            }
        }
        if (rng.NextDouble() < 0.05)
        {
            unknown.Add(TruthState.KeyBase - 1 - rng.Next(1000));
        }
        return new WriterBatch(changes, [.. unknown]);
    }
}
