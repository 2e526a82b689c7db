namespace Platform.Gateway.RateLimiting;

/// <summary>
/// A token bucket held in one 64-bit word: the GCRA theoretical arrival time (TAT), the clock time
/// at which the bucket would be full again. Taking n permits moves it to <c>max(TAT, now) + n·T</c>,
/// allowed while that stays within <c>now + Burst·T</c>. Refill is implied by the clock, so there is
/// no timer, no lock and no allocation: one read, and on admission one compare-and-swap.
/// </summary>
internal sealed class TokenBucket
{
    /// <summary>A TAT so far in the past that any clock reading makes the bucket full.</summary>
    private const long Full = long.MinValue / 2;

    /// <summary>Written once by eviction; the bucket is dead and its table entry is being removed.</summary>
    private const long Evicted = long.MaxValue;

    private long _theoreticalArrival = Full;

    /// <summary>When the refusal last wrote <see cref="LastRefused"/>; see <see cref="MarkRefused"/>.</summary>
    private long _lastRefused = long.MinValue / 2;

    public TokenBucket()
        : this(long.MinValue / 2)
    {
    }

    /// <summary>A full bucket whose client was first seen at <paramref name="firstSeen"/> (clock ticks).</summary>
    public TokenBucket(long firstSeen) => FirstSeen = firstSeen;

    /// <summary>
    /// When this partition's client was first seen; <see cref="long.MaxValue"/> for an overflow bucket,
    /// whose clients are unknown. The anonymous ceiling ranks addresses by it (seniority).
    /// </summary>
    public long FirstSeen { get; }

    /// <summary>When this bucket last refused its client (clock ticks): the client was over its own rate.</summary>
    public long LastRefused => Volatile.Read(ref _lastRefused);

    /// <summary>A bucket drawn down as if its last admission left it at <paramref name="theoreticalArrival"/>.</summary>
    internal static TokenBucket DrawnTo(long theoreticalArrival) => new() { _theoreticalArrival = theoreticalArrival };

    internal long TheoreticalArrival => Volatile.Read(ref _theoreticalArrival);

    /// <summary>
    /// Tries to take <paramref name="permits"/> at clock time <paramref name="now"/>.
    /// Admitted: <paramref name="ticks"/> is the backlog left (how far the bucket is drawn down).
    /// Denied: <paramref name="ticks"/> is how long until the permits would be admitted; nothing is written.
    /// Evicted: this bucket is dead; look the partition up again.
    /// Zero permits asks whether one permit is available without taking it.
    /// </summary>
    public TakeResult TryTake(long now, int permits, TokenBucketPolicy policy, out long ticks) =>
        TryTake(now, permits, policy.EmissionInterval, policy.Tolerance, out ticks);

    /// <summary>
    /// As above, but the bucket may be drawn only <paramref name="tolerance"/> ticks ahead of now (at
    /// most the policy's own): the anonymous ceiling lets each class of client draw it to its own depth.
    /// </summary>
    public TakeResult TryTake(long now, int permits, long interval, long tolerance, out long ticks)
    {
        var observed = Volatile.Read(ref _theoreticalArrival);
        while (true)
        {
            if (observed == Evicted)
            {
                ticks = 0;
                return TakeResult.Evicted;
            }

            var start = Math.Max(observed, now);
            if (permits == 0)
            {
                var excess = start + interval - now - tolerance;
                ticks = excess > 0 ? excess : start - now;
                return excess > 0 ? TakeResult.Denied : TakeResult.Admitted;
            }

            var next = start + (permits * interval);
            var wait = next - now - tolerance;
            if (wait > 0)
            {
                // A refusal writes nothing, so a flood of refused requests never contends on the line.
                ticks = wait;
                return TakeResult.Denied;
            }

            var seen = Interlocked.CompareExchange(ref _theoreticalArrival, next, observed);
            if (seen == observed)
            {
                ticks = next - now;
                return TakeResult.Admitted;
            }
            observed = seen;
        }
    }

    /// <summary>
    /// Remembers that the bucket refused its client at <paramref name="now"/>. Written at most once per
    /// <paramref name="granularity"/> ticks, so a client hammering its own empty bucket does not turn
    /// every refusal into a write of a shared cache line.
    /// </summary>
    public void MarkRefused(long now, long granularity)
    {
        if (now - Volatile.Read(ref _lastRefused) > granularity)
        {
            Volatile.Write(ref _lastRefused, now);
        }
    }

    /// <summary>How far the bucket is drawn down at <paramref name="now"/>, in ticks (0 when full).</summary>
    public long BacklogAt(long now)
    {
        var observed = Volatile.Read(ref _theoreticalArrival);
        return observed == Evicted ? 0 : Math.Max(0, observed - now);
    }

    /// <summary>
    /// Marks the bucket dead if it is full at <paramref name="now"/>. The compare-and-swap is what
    /// keeps eviction from losing tokens: an admission that lands first changes the TAT and the
    /// eviction fails; once it succeeds every later take sees <see cref="TakeResult.Evicted"/> and
    /// moves to a fresh bucket, which is full, exactly like the one it replaces.
    /// </summary>
    public bool TryEvict(long now)
    {
        var observed = Volatile.Read(ref _theoreticalArrival);
        return observed != Evicted
            && observed <= now
            && Interlocked.CompareExchange(ref _theoreticalArrival, Evicted, observed) == observed;
    }

    public bool IsEvicted => Volatile.Read(ref _theoreticalArrival) == Evicted;
}

internal enum TakeResult
{
    Admitted,
    Denied,
    Evicted,
}
