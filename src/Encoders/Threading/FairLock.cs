namespace MultiModal.Encoders.Threading;

/// <summary>
/// A first-come, first-served mutual-exclusion lock (a ticket lock over <see cref="Monitor"/>). The forward pass of a
/// model is long and callers of different kinds share it: a host searching in a tight loop must not starve a bulk
/// indexing job, which an unfair lock (<see cref="Lock"/>, <c>lock</c>) allows because the thread that just released
/// it usually re-takes it before a woken waiter runs.
/// </summary>
internal sealed class FairLock
{
    private readonly object _gate = new(); // a Monitor, not System.Threading.Lock: Monitor.Wait needs one
    private long _nextTicket;
    private long _serving;

    /// <summary>Threads holding or waiting for the lock.</summary>
    public long Queued
    {
        get
        {
            lock (_gate)
            {
                return _nextTicket - _serving;
            }
        }
    }

    /// <summary>Waits for this caller's turn; dispose the result to release.</summary>
    public Releaser Enter()
    {
        lock (_gate)
        {
            long ticket = _nextTicket++;
            while (ticket != _serving)
            {
                Monitor.Wait(_gate);
            }
        }
        return new Releaser(this);
    }

    private void Exit()
    {
        lock (_gate)
        {
            _serving++;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Releases the lock when disposed.</summary>
    public readonly struct Releaser : IDisposable
    {
        private readonly FairLock _owner;

        internal Releaser(FairLock owner) => _owner = owner;

        /// <summary>Hands the lock to the next ticket.</summary>
        public void Dispose() => _owner.Exit();
    }
}
