namespace MultiModal.Bench.Soak.Truth;

/// <summary>The writer's bookkeeping of used and free key slots, each drawable uniformly at random in O(1).</summary>
internal sealed class SlotPool
{
    private readonly List<int> _used = [];
    private readonly List<int> _free = [];
    private readonly int[] _position; // index into _used or _free

    public SlotPool(int capacity)
    {
        _position = new int[capacity];
        for (var slot = 0; slot < capacity; slot++)
        {
            _position[slot] = _free.Count;
            _free.Add(slot);
        }
    }

    public int UsedCount => _used.Count;

    public int FreeCount => _free.Count;

    public bool IsUsed(int slot) => _position[slot] < _used.Count && _used[_position[slot]] == slot;

    public int RandomUsed(Random rng) => _used[rng.Next(_used.Count)];

    public int RandomFree(Random rng) => _free[rng.Next(_free.Count)];

    public void MarkUsed(int slot) => Move(slot, _free, _used);

    public void MarkFree(int slot) => Move(slot, _used, _free);

    private void Move(int slot, List<int> from, List<int> to)
    {
        var at = _position[slot];
        if (at >= from.Count || from[at] != slot)
        {
            throw new InvalidOperationException($"Slot {slot} is not in the expected list.");
        }
        var last = from[^1];
        from[at] = last;
        _position[last] = at;
        from.RemoveAt(from.Count - 1);
        _position[slot] = to.Count;
        to.Add(slot);
    }
}
