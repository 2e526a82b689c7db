using System.Threading.RateLimiting;
using Platform.Api.Bulkheads;

namespace Platform.Api.Tests.Bulkheads;

/// <summary>
/// A guest's write takes a permit of both shares or of neither, and its refusal names the share that
/// refused, whatever the shares do afterwards (BulkheadTests has the answers on a real replica).
/// </summary>
public class GuestWriteLimiterTests
{
    private static ConcurrencyLimiter Share(int permits) => new(new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = 0 });

    [Fact]
    public void A_guest_refused_by_its_own_share_is_told_so_even_after_a_guest_permit_comes_back()
    {
        using var guests = Share(1);
        using var writers = Share(5);
        using var limiter = new GuestWriteLimiter(guests, writers);
        var first = limiter.AttemptAcquire();

        using var refused = limiter.AttemptAcquire();
        first.Dispose();

        Assert.False(refused.IsAcquired);
        Assert.True(WriteShares.RefusedAsGuest(refused));
        Assert.Equal(5, writers.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public void A_guest_refused_by_the_writers_share_is_the_replicas_refusal_and_keeps_no_guest_permit()
    {
        using var guests = Share(2);
        using var writers = Share(1);
        using var keyed = writers.AttemptAcquire();
        using var limiter = new GuestWriteLimiter(guests, writers);

        using var refused = limiter.AttemptAcquire();

        Assert.False(refused.IsAcquired);
        Assert.False(WriteShares.RefusedAsGuest(refused));
        Assert.Equal(2, guests.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public void An_admitted_guest_holds_one_permit_of_each_share_until_its_lease_ends()
    {
        using var guests = Share(2);
        using var writers = Share(3);
        using var limiter = new GuestWriteLimiter(guests, writers);

        var lease = limiter.AttemptAcquire();
        Assert.True(lease.IsAcquired);
        Assert.Equal((1, 2), (guests.GetStatistics()!.CurrentAvailablePermits, writers.GetStatistics()!.CurrentAvailablePermits));

        lease.Dispose();
        Assert.Equal((2, 3), (guests.GetStatistics()!.CurrentAvailablePermits, writers.GetStatistics()!.CurrentAvailablePermits));
        limiter.Dispose();
        Assert.True(guests.AttemptAcquire().IsAcquired, "disposing a partition's limiter must leave the replica's shares working");
    }
}
