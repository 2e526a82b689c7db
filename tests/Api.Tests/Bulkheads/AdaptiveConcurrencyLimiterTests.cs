using System.Threading.RateLimiting;
using Platform.Api.Bulkheads;

namespace Platform.Api.Tests.Bulkheads;

/// <summary>The adaptive writers' limit on real time: slow completions are held for real, fast ones are immediate.</summary>
public class AdaptiveConcurrencyLimiterTests
{
    private static readonly TimeSpan Target = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void It_starts_at_its_ceiling_and_refuses_at_once_beyond_it()
    {
        using var limiter = new AdaptiveConcurrencyLimiter(floor: 2, ceiling: 4, Target, TimeProvider.System);
        var leases = Enumerable.Range(0, 4).Select(_ => limiter.AttemptAcquire()).ToList();
        Assert.All(leases, lease => Assert.True(lease.IsAcquired));
        using (var fifth = limiter.AttemptAcquire())
            Assert.False(fifth.IsAcquired);
        Assert.Equal(4, limiter.Limit);
        leases.ForEach(lease => lease.Dispose());
    }

    [Fact]
    public async Task Slow_completions_shrink_the_limit_to_its_floor_and_fast_ones_grow_it_back_to_the_ceiling()
    {
        using var limiter = new AdaptiveConcurrencyLimiter(floor: 2, ceiling: 8, Target, TimeProvider.System);
        var slow = Enumerable.Range(0, 8).Select(_ => limiter.AttemptAcquire()).ToList();
        await Task.Delay(Target * 2, TestContext.Current.CancellationToken);
        slow.ForEach(lease => lease.Dispose());
        Assert.Equal(3, limiter.Limit); // 8 x 0.9^8 = 3.44

        // Now only three at once; the fourth is shed.
        var admitted = Enumerable.Range(0, 4).Select(_ => limiter.AttemptAcquire()).ToList();
        Assert.Equal([true, true, true, false], admitted.Select(lease => lease.IsAcquired));
        admitted.ForEach(lease => lease.Dispose()); // fast: +1/limit each

        for (var i = 0; i < 100 && limiter.Limit < 8; i++)
            limiter.AttemptAcquire().Dispose();
        Assert.Equal(8, limiter.Limit);

        var stalled = Enumerable.Range(0, 8).Select(_ => limiter.AttemptAcquire()).ToList();
        await Task.Delay(Target * 2, TestContext.Current.CancellationToken);
        stalled.ForEach(lease => lease.Dispose());
        for (var round = 0; round < 3; round++)
        {
            var probes = Enumerable.Range(0, 2).Select(_ => limiter.AttemptAcquire()).ToList();
            await Task.Delay(Target * 2, TestContext.Current.CancellationToken);
            probes.ForEach(lease => lease.Dispose());
        }
        Assert.Equal(2, limiter.Limit); // never below the floor
    }

    [Fact]
    public void A_lease_released_twice_counts_once()
    {
        using var limiter = new AdaptiveConcurrencyLimiter(floor: 1, ceiling: 1, Target, TimeProvider.System);
        var lease = limiter.AttemptAcquire();
        lease.Dispose();
        lease.Dispose();
        using var next = limiter.AttemptAcquire();
        Assert.True(next.IsAcquired);
        using var beyond = limiter.AttemptAcquire();
        Assert.False(beyond.IsAcquired);
    }

    [Fact]
    public async Task It_never_queues()
    {
        using var limiter = new AdaptiveConcurrencyLimiter(floor: 1, ceiling: 1, Target, TimeProvider.System);
        using var held = await limiter.AcquireAsync(1, TestContext.Current.CancellationToken);
        using var refused = await limiter.AcquireAsync(1, TestContext.Current.CancellationToken);
        Assert.True(held.IsAcquired);
        Assert.False(refused.IsAcquired);
        Assert.Equal(0, limiter.GetStatistics()!.CurrentQueuedCount);
    }
}
