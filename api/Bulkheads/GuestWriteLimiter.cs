using System.Threading.RateLimiting;

namespace Platform.Api.Bulkheads;

/// <summary>
/// A guest's write: one permit of the guests' share, then one of the writers' share, both or neither,
/// and a refusal that says which share refused it (<see cref="MetadataName.ReasonPhrase"/>
/// <see cref="GuestShareFull"/> or <see cref="WritersShareFull"/>). Written by hand because the
/// framework's <see cref="RateLimiter.CreateChained"/> refuses without saying which limiter did, and
/// reading the guests' share's free permits afterwards races with the writes finishing: under a burst
/// a guest refused by its own share was answered as the replica's 503. Neither share is queued, and
/// disposing this leaves both untouched: they are the replica's (<see cref="WriteShares"/>).
/// </summary>
internal sealed class GuestWriteLimiter(RateLimiter guests, RateLimiter writers) : RateLimiter
{
    public const string GuestShareFull = "guest-share-full";
    public const string WritersShareFull = "writers-share-full";

    private static readonly RateLimitLease RefusedByGuests = new RefusedLease(GuestShareFull);
    private static readonly RateLimitLease RefusedByWriters = new RefusedLease(WritersShareFull);

    // Never idle: the partition is the replica's one guests' partition, not a client's.
    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics? GetStatistics() => guests.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        var guest = guests.AttemptAcquire(permitCount);
        if (!guest.IsAcquired)
        {
            guest.Dispose();
            return RefusedByGuests;
        }
        var writer = writers.AttemptAcquire(permitCount);
        if (!writer.IsAcquired)
        {
            writer.Dispose();
            guest.Dispose();
            return RefusedByWriters;
        }
        return new Both(guest, writer);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private sealed class Both(RateLimitLease guest, RateLimitLease writer) : GrantedLease
    {
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                writer.Dispose();
                guest.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
