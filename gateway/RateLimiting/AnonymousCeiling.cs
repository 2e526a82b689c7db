using Microsoft.Extensions.Options;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// One token bucket that every anonymous client draws on after its own per-IP bucket has admitted
/// it. Per-IP buckets cannot refuse a flood spread over thousands of addresses, each within its own
/// limit; this caps what all of them together may send to the replicas, so keyed clients keep their
/// capacity. It is one shared word, so anonymous admissions contend on one cache line; keyed clients
/// never touch it. It is never swept, and in global mode it stays local to each gateway.
/// </summary>
internal sealed class AnonymousCeiling
{
    private readonly TokenBucket _bucket = new();
    private long _refused;

    public AnonymousCeiling(IOptions<RateLimitingOptions> options, LimiterClock clock)
    {
        var ceiling = options.Value.AnonymousCeiling;
        Policy = ceiling.Enabled
            ? new TokenBucketPolicy(RateLimitingOptionsValidator.AnonymousCeilingPolicy, 0, ceiling.PermitsPerSecond, ceiling.Burst, clock.TicksPerSecond)
            : null;
    }

    /// <summary>The ceiling as a policy (its name, rate and burst for the headers); null when it is off.</summary>
    public TokenBucketPolicy? Policy { get; }

    /// <summary>Requests an own bucket admitted and the ceiling refused.</summary>
    public long RefusedCount => Volatile.Read(ref _refused);

    /// <summary>
    /// Takes <paramref name="permits"/> from the shared bucket for an anonymous request its own bucket
    /// admitted. False means refused: <paramref name="wait"/> ticks until the ceiling has a permit and
    /// <paramref name="backlog"/> how far it is drawn down. Keyed clients and a disabled ceiling always pass.
    /// </summary>
    public bool TryAdmit(RateLimitedRequest request, long now, int permits, out long backlog, out long wait)
    {
        backlog = 0;
        wait = 0;
        if (Policy is not { } policy || request.Client.IsApiClient || permits == 0)
        {
            return true;
        }
        if (_bucket.TryTake(now, permits, policy, out var ticks) == TakeResult.Admitted)
        {
            return true;
        }
        Interlocked.Increment(ref _refused);
        backlog = _bucket.BacklogAt(now);
        wait = ticks;
        return false;
    }
}
