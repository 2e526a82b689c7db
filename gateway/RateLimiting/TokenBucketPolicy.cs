using System.Globalization;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// One named limit: a sustained rate and a burst, turned into the integer clock arithmetic the
/// buckets run on. <see cref="EmissionInterval"/> is the cost of one permit in clock ticks, rounded
/// up, so rounding can only make the limit stricter: over any interval a partition admits at most
/// <c>Burst + PermitsPerSecond × elapsed</c>.
/// </summary>
internal sealed class TokenBucketPolicy
{
    public TokenBucketPolicy(string name, int index, double permitsPerSecond, int burst, long ticksPerSecond)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permitsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ticksPerSecond);

        Name = name;
        Index = index;
        PermitsPerSecond = permitsPerSecond;
        Burst = burst;
        TicksPerSecond = ticksPerSecond;
        EmissionInterval = Math.Max(1, (long)Math.Ceiling(ticksPerSecond / permitsPerSecond));
        Tolerance = checked(burst * EmissionInterval);
        EmissionMicroseconds = Math.Max(1, (long)Math.Ceiling(1_000_000 / permitsPerSecond));

        // draft-ietf-httpapi-ratelimit-headers-10: q is the burst, w the seconds an empty bucket
        // takes to fill again.
        var window = Math.Max(1, (long)Math.Ceiling(burst / permitsPerSecond));
        PolicyHeader = string.Create(CultureInfo.InvariantCulture, $"\"{name}\";q={burst};w={window}");
    }

    public string Name { get; }

    /// <summary>Position in the policy set; indexes per-policy tables without hashing the name.</summary>
    public int Index { get; }

    public double PermitsPerSecond { get; }

    public int Burst { get; }

    public long TicksPerSecond { get; }

    /// <summary>Clock ticks one permit costs: ⌈ticks per second ÷ permits per second⌉.</summary>
    public long EmissionInterval { get; }

    /// <summary>The same cost in microseconds, rounded up: the unit of global mode's Redis clock.</summary>
    public long EmissionMicroseconds { get; }

    /// <summary>How far ahead of now a bucket may be drawn: <c>Burst × EmissionInterval</c>.</summary>
    public long Tolerance { get; }

    /// <summary>The <c>RateLimit-Policy</c> field value, e.g. <c>"standard";q=400;w=2</c>.</summary>
    public string PolicyHeader { get; }

    /// <summary>Whole permits left when the bucket is drawn down by <paramref name="backlog"/> ticks.</summary>
    public long RemainingAfter(long backlog) => Math.Max(0, (Tolerance - Math.Max(0, backlog)) / EmissionInterval);

    /// <summary>Whole seconds until a bucket drawn down by <paramref name="backlog"/> ticks is full again (rounded down).</summary>
    public long SecondsUntilFull(long backlog) => Math.Max(0, backlog) / TicksPerSecond;

    /// <summary>Whole seconds to wait, rounded up and at least 1, for a wait of <paramref name="ticks"/>.</summary>
    public long RetryAfterSeconds(long ticks) => Math.Max(1, (Math.Max(0, ticks) + TicksPerSecond - 1) / TicksPerSecond);
}
