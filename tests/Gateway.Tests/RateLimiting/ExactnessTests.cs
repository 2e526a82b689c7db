using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Tests.RateLimiting;

/// <summary>
/// Many threads on one partition, on a clock that moves only between rounds. In each round every
/// thread takes permits until it is refused, so the bucket is drained at every instant the clock
/// shows; the admitted total must then equal, to the permit, what one thread takes from a lone bucket
/// at the same instants, and never exceed burst + rate × elapsed.
/// </summary>
public sealed class ExactnessTests
{
    private const int Threads = 8;
    private const int Rounds = 200;

    /// <summary>A pause (µs) long enough to fill the bucket (burst 50 at 1,000/s takes 50 ms).</summary>
    private const long LongStep = 80_000;

    [Fact]
    public void Eight_threads_on_one_partition_admit_exactly_the_bound()
    {
        using var harness = new LimiterHarness(permitsPerSecond: 1_000, burst: 50);
        var clock = (ManualClock)harness.Time;
        var start = clock.GetTimestamp();
        var steps = Steps(seed: 1);

        var admitted = RunRounds(harness, clock, steps, sweep: false);

        var elapsed = clock.GetTimestamp() - start;
        Assert.Equal(Reference(harness.Policy, start, steps), admitted);
        Assert.True(admitted <= harness.Policy.Burst + (elapsed / harness.Policy.EmissionInterval),
            $"{admitted} admitted in {elapsed} µs is over the bound");
    }

    [Fact]
    public void Eviction_racing_the_acquires_loses_and_gains_nothing()
    {
        using var harness = new LimiterHarness(permitsPerSecond: 1_000, burst: 50);
        var clock = (ManualClock)harness.Time;
        var start = clock.GetTimestamp();
        // Long pauses between some rounds fill the bucket, so the sweeper really evicts it under the threads.
        var steps = Steps(seed: 2);

        var admitted = RunRounds(harness, clock, steps, sweep: true);

        Assert.Equal(Reference(harness.Policy, start, steps), admitted);
        Assert.True(harness.Table.EvictedCount > 0, "the sweep never evicted the partition, so the race was not exercised");
        Assert.InRange(harness.Table.LiveCount, 0, 1);
    }

    /// <summary>Clock advances (µs) between rounds: mostly short, sometimes long enough to fill the bucket.</summary>
    private static long[] Steps(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Rounds).Select(_ => random.Next(10) == 0 ? LongStep : random.Next(0, 5_000))];
    }

    private static long RunRounds(LimiterHarness harness, ManualClock clock, long[] steps, bool sweep)
    {
        long admitted = 0;
        var sweeping = 0;
        long sweeps = 0;
        using var roundStart = new Barrier(Threads + 1);
        using var roundEnd = new Barrier(Threads + 1);
        var workers = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            var request = harness.Request(client: 7);
            for (var round = 0; round < steps.Length; round++)
            {
                roundStart.SignalAndWait();
                // Bounded: a round can admit at most the burst.
                for (var attempt = 0; attempt < 1_000_000; attempt++)
                {
                    using var lease = harness.Limiter.AttemptAcquire(request);
                    if (!lease.IsAcquired)
                    {
                        break;
                    }
                    Interlocked.Increment(ref admitted);
                }
                roundEnd.SignalAndWait();
            }
        })).ToList();
        var sweeper = new Thread(() =>
        {
            while (Volatile.Read(ref sweeping) == 0)
            {
                harness.Table.Sweep(clock.GetTimestamp());
                Interlocked.Increment(ref sweeps);
            }
        });

        workers.ForEach(worker => worker.Start());
        if (sweep)
        {
            sweeper.Start();
        }
        var longSteps = 0;
        foreach (var step in steps)
        {
            clock.Advance(TimeSpan.FromTicks(step * 10));
            // Every other long pause, let the sweeper finish a whole pass over the now full bucket
            // before the threads start, so an eviction surely happens even on a machine too busy for
            // the sweeper to win a race; the other long pauses leave the sweep racing the threads.
            if (sweep && step >= LongStep && longSteps++ % 2 == 0)
            {
                var seen = Interlocked.Read(ref sweeps);
                SpinWait.SpinUntil(() => Interlocked.Read(ref sweeps) >= seen + 2, TimeSpan.FromSeconds(5));
            }
            roundStart.SignalAndWait();
            roundEnd.SignalAndWait();
        }
        Volatile.Write(ref sweeping, 1);
        workers.ForEach(worker => Assert.True(worker.Join(TimeSpan.FromSeconds(30))));
        if (sweep)
        {
            Assert.True(sweeper.Join(TimeSpan.FromSeconds(30)));
        }
        return admitted;
    }

    /// <summary>One thread, one bucket, no eviction, drained at the same instants.</summary>
    private static long Reference(TokenBucketPolicy policy, long start, long[] steps)
    {
        var bucket = new TokenBucket();
        long admitted = 0;
        var now = start;
        foreach (var step in steps)
        {
            now += step;
            while (bucket.TryTake(now, 1, policy, out _) == TakeResult.Admitted)
            {
                admitted++;
            }
        }
        return admitted;
    }
}
