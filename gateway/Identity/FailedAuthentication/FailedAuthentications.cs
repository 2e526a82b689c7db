using Microsoft.Extensions.Options;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Identity.FailedAuthentication;

/// <summary>
/// Failed authentications per address: a GCRA bucket per address (the rate limiter's own
/// <see cref="TokenBucket"/> in its own bounded <see cref="PartitionTable"/>), one permit per failure,
/// <c>Threshold</c> of them, refilled over <c>Cooldown</c>. An address whose bucket is empty is locked
/// out until it has one permit again. The table is capped like the limiter's: addresses over the cap
/// share one bucket, so a flood of guessers from fresh addresses costs bounded memory and, once
/// that shared bucket is spent, locks out every address the table does not hold (never a valid key).
/// </summary>
internal sealed class FailedAuthentications
{
    private readonly PartitionTable _table;
    private readonly LimiterClock _clock;
    private long _failures;
    private long _lockouts;

    public FailedAuthentications(IOptions<FailedAuthenticationOptions> options, TimeProvider time)
    {
        var settings = options.Value;
        Enabled = settings.Enabled;
        _clock = new LimiterClock(time);
        Policy = new TokenBucketPolicy("failed-authentication", 0, settings.Threshold / settings.Cooldown.TotalSeconds, settings.Threshold, _clock.TicksPerSecond);
        _table = new PartitionTable(1, settings.MaxAddresses);
    }

    public bool Enabled { get; }

    public TokenBucketPolicy Policy { get; }

    public LimiterClock Clock => _clock;

    public PartitionTable Table => _table;

    /// <summary>Failures counted since start.</summary>
    public long FailureCount => Interlocked.Read(ref _failures);

    /// <summary>Requests refused because their address was locked out.</summary>
    public long LockoutCount => Interlocked.Read(ref _lockouts);

    /// <summary>
    /// True when <paramref name="address"/> has no failure left at <paramref name="now"/>;
    /// <paramref name="wait"/> is then the ticks until it has one. Never adds a partition: an address
    /// that never failed is not remembered, unless the table is full, when it is judged by the shared bucket.
    /// </summary>
    public bool IsLockedOut(ClientKey address, long now, out long wait)
    {
        wait = 0;
        if (!Enabled)
        {
            return false;
        }
        var bucket = _table.Existing(Policy, address)
            ?? (_table.AddressCount >= _table.Capacity ? _table.Find(Policy, address, now) : null);
        if (bucket is null || bucket.TryTake(now, 0, Policy, out var ticks) != TakeResult.Denied)
        {
            return false;
        }
        wait = ticks;
        return true;
    }

    /// <summary>A request refused because its address was locked out (one without a valid key).</summary>
    public void CountLockout() => Interlocked.Increment(ref _lockouts);

    /// <summary>One failed authentication from <paramref name="address"/> at <paramref name="now"/>.</summary>
    public void Count(ClientKey address, long now)
    {
        Interlocked.Increment(ref _failures);
        // Bounded: a bucket is evicted at most once, and its replacement is fresh.
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var bucket = _table.Find(Policy, address, now);
            if (bucket.TryTake(now, 1, Policy, out _) != TakeResult.Evicted)
            {
                return;
            }
            _table.Forget(Policy, address, bucket);
        }
    }
}
