using MultiModal.Encoders.Threading;

namespace MultiModal.Encoders.Tests.Threading;

public sealed class FairLockTests
{
    [Fact]
    public void Enter_WaitersQueued_AcquireInArrivalOrder()
    {
        // Arrange: the test holds the lock while five threads queue one after another.
        var gate = new FairLock();
        var order = new List<int>();
        var holder = gate.Enter();
        var threads = new List<Thread>();
        for (int i = 0; i < 5; i++)
        {
            int id = i;
            var thread = new Thread(() =>
            {
                using (gate.Enter())
                {
                    lock (order)
                    {
                        order.Add(id);
                    }
                }
            });
            thread.Start();
            threads.Add(thread);
            SpinWait.SpinUntil(() => gate.Queued == id + 2, TimeSpan.FromSeconds(10)); // holder + waiters so far
        }

        // Act
        holder.Dispose();
        threads.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(10))));

        // Assert
        Assert.Equal([0, 1, 2, 3, 4], order);
        Assert.Equal(0, gate.Queued);
    }

    [Fact]
    public void Enter_TightLoopAgainstWaiter_WaiterGetsTheNextTurn()
    {
        // A thread re-entering in a tight loop cannot overtake a waiter that queued while it held the lock.
        var gate = new FairLock();
        var waiterDone = new ManualResetEventSlim();
        int loopTurnsAfterWaiterQueued = -1;
        var first = gate.Enter();
        var waiter = new Thread(() =>
        {
            using (gate.Enter())
            {
                waiterDone.Set();
            }
        });
        waiter.Start();
        SpinWait.SpinUntil(() => gate.Queued == 2, TimeSpan.FromSeconds(10));

        first.Dispose();
        int turns = 0;
        while (!waiterDone.IsSet)
        {
            using (gate.Enter())
            {
                if (!waiterDone.IsSet)
                {
                    turns++;
                }
            }
        }
        loopTurnsAfterWaiterQueued = turns;

        Assert.True(waiter.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, loopTurnsAfterWaiterQueued);
    }
}
