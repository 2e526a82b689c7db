using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Platform.Api.Identity;

namespace Platform.Api.Bulkheads;

/// <summary>
/// The writers' share and, inside it, the anonymous guests' smaller one. A keyed client's write takes a
/// permit of the writers' share; a guest's write takes one of the guests' share first, then one of the
/// writers' share (<see cref="GuestWriteLimiter"/>), so guests together never hold more than
/// <c>Bulkheads:AnonymousWriters</c> of a replica's writes and a flood of guest creates (each a full
/// batch, even when the database refuses it for a quota) always leaves keyed clients the rest. Both
/// limiters live here, once per process; the partitions the rate-limiting middleware asks for only
/// take permits from them, and disposing a partition's limiter leaves them untouched.
/// </summary>
public sealed class WriteShares
{
    private const string KeyedPartition = BulkheadSetup.WritePolicy;
    private const string AnonymousPartition = BulkheadSetup.WritePolicy + "-anonymous";

    // Two permits at least while adapting, so one slow write alone cannot hold the limit down.
    private const int AdaptiveFloor = 2;

    private readonly RateLimiter _writers;
    private readonly ConcurrencyLimiter _guests;

    public WriteShares(IOptions<BulkheadOptions> options, TimeProvider clock)
    {
        var o = options.Value;
        _writers = o.AdaptiveWriters
            ? new AdaptiveConcurrencyLimiter(Math.Min(AdaptiveFloor, o.Writers!.Value), o.Writers.Value, o.WriteLatencyTarget, clock)
            : Concurrency(o.Writers!.Value);
        _guests = Concurrency(o.AnonymousWriters!.Value);
    }

    /// <summary>
    /// Whether a refused write was refused by the guests' share (as its lease says) rather than by the
    /// writers' share: then it is the guests' own 429, not the replica's 503, so a flood of guest
    /// creates never reads as server errors.
    /// </summary>
    public static bool RefusedAsGuest(RateLimitLease refused) =>
        refused.TryGetMetadata(MetadataName.ReasonPhrase, out var reason) && reason == GuestWriteLimiter.GuestShareFull;

    /// <summary>The write bulkhead's partition for this request's caller.</summary>
    public RateLimitPartition<string> Partition(HttpContext context) =>
        IsGuest(context)
            ? RateLimitPartition.Get(AnonymousPartition, _ => new GuestWriteLimiter(_guests, _writers))
            : RateLimitPartition.Get(KeyedPartition, _ => RateLimiter.CreateChained(_writers));

    private static bool IsGuest(HttpContext context) => context.User.Identity?.Name == Scopes.AnonymousClient;

    private static ConcurrencyLimiter Concurrency(int permits) =>
        new(new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = 0 });
}
