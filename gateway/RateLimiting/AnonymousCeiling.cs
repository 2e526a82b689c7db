using Microsoft.Extensions.Options;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// One token bucket that every anonymous client draws on after its own per-IP bucket has admitted
/// it. Per-IP buckets cannot refuse a flood spread over thousands of addresses, each within its own
/// limit; this caps what all of them together may send to the replicas, so keyed clients keep their
/// capacity. It is never swept, and in global mode it stays local to each gateway.
/// <para>
/// It is not first come, first served: each class of address may draw the one bucket only down to its
/// own depth (docs/rate-limiting.md, "Who the ceiling refuses first"). A senior address (known for
/// <see cref="AnonymousCeilingOptions.SeniorAge"/> before the pressure began, within its own rate) may
/// take the whole burst; an address newer than that, or one over the cap, only the burst less a
/// reserve; an address in debt (its own bucket refused it lately) a smaller share. So while seniors together ask for less than the
/// ceiling's rate, their permits come out of what juniors and debtors would otherwise take. It is still
/// one word changed by compare-and-swap: the class decides only how far ahead the TAT may go.
/// </para>
/// </summary>
internal sealed class AnonymousCeiling
{
    private readonly TokenBucket _bucket = new();
    private readonly long[] _depth = new long[3];
    private readonly long _window;
    private readonly long _granularity;
    private readonly long _seniorAge;
    private readonly long[] _refusedBy = new long[3];
    private long _refused;
    private long _lastRefusal = long.MinValue / 2;
    private long _pressureSince = long.MaxValue;

    public AnonymousCeiling(IOptions<RateLimitingOptions> options, LimiterClock clock)
    {
        var ceiling = options.Value.AnonymousCeiling;
        // Writes of the shared "last refusal" and of an address's "last refused" happen at most this
        // often (10 ms), so a flood of refusals reads those lines instead of fighting over them.
        _granularity = clock.TicksPerSecond / 100;
        _window = (long)(ceiling.PressureWindow.TotalSeconds * clock.TicksPerSecond);
        _seniorAge = (long)(ceiling.SeniorAge.TotalSeconds * clock.TicksPerSecond);
        if (!ceiling.Enabled)
        {
            return;
        }
        var policy = new TokenBucketPolicy(RateLimitingOptionsValidator.AnonymousCeilingPolicy, 0, ceiling.PermitsPerSecond, ceiling.Burst, clock.TicksPerSecond);
        Policy = policy;
        var interval = policy.EmissionInterval;
        // Every class keeps at least one permit, so a small ceiling still admits someone of each.
        var junior = Math.Max(1, ceiling.Burst - (long)Math.Ceiling(ceiling.Burst * ceiling.SeniorReserve));
        var debtor = Math.Clamp((long)Math.Floor(ceiling.Burst * ceiling.DebtorShare), 1, junior);
        _depth[(int)CeilingClass.Senior] = policy.Tolerance;
        _depth[(int)CeilingClass.Junior] = junior * interval;
        _depth[(int)CeilingClass.Debtor] = debtor * interval;
    }

    /// <summary>The ceiling as a policy (its name, rate and burst for the headers); null when it is off.</summary>
    public TokenBucketPolicy? Policy { get; }

    /// <summary>Requests an own bucket admitted and the ceiling refused.</summary>
    public long RefusedCount => Volatile.Read(ref _refused);

    /// <summary>Of <see cref="RefusedCount"/>, those refused as <paramref name="rank"/>.</summary>
    public long RefusedCountOf(CeilingClass rank) => Volatile.Read(ref _refusedBy[(int)rank]);

    /// <summary>Ticks an address stays in debt after its own bucket refused it (the pressure window).</summary>
    public long DebtWindow => _window;

    /// <summary>Ticks between two writes of an address's "last refused".</summary>
    public long Granularity => _granularity;

    /// <summary>
    /// The class of an address whose partition is <paramref name="own"/> at <paramref name="now"/>
    /// (null: its partition is unknown, as in global mode for a request Redis admitted).
    /// </summary>
    public CeilingClass Rank(TokenBucket? own, long now)
    {
        if (own is null)
        {
            return CeilingClass.Junior;
        }
        if (now - own.LastRefused <= _window)
        {
            return CeilingClass.Debtor;
        }
        // Seniority is age before the pressure (or before now, with none): a flood's own addresses,
        // first seen moments before their bursts draw the ceiling down and start the pressure, are
        // junior through those bursts and in debt once their own buckets refuse them, so they never
        // take a senior's reserve. The overflow bucket's FirstSeen is long.MaxValue: over the cap,
        // every address is new.
        var underPressure = now - Volatile.Read(ref _lastRefusal) <= _window;
        var since = underPressure ? Math.Min(now, Volatile.Read(ref _pressureSince)) : now;
        return own.FirstSeen <= since - _seniorAge ? CeilingClass.Senior : CeilingClass.Junior;
    }

    /// <summary>
    /// Takes <paramref name="permits"/> from the shared bucket for an anonymous request its own bucket
    /// (<paramref name="own"/>) admitted. False means refused: <paramref name="wait"/> ticks until the
    /// ceiling has a permit for this class and <paramref name="backlog"/> how far it is drawn down, as
    /// this class sees it. Keyed clients and a disabled ceiling always pass.
    /// </summary>
    public bool TryAdmit(RateLimitedRequest request, TokenBucket? own, long now, int permits, out long backlog, out long wait)
    {
        backlog = 0;
        wait = 0;
        if (Policy is not { } policy || request.Client.IsApiClient || permits == 0)
        {
            return true;
        }
        var rank = Rank(own, now);
        if (_bucket.TryTake(now, permits, policy.EmissionInterval, _depth[(int)rank], out var ticks) == TakeResult.Admitted)
        {
            return true;
        }
        Interlocked.Increment(ref _refused);
        Interlocked.Increment(ref _refusedBy[(int)rank]);
        NotePressure(now);
        // The backlog as this class sees it: nothing left above its depth (r=0 in the RateLimit header,
        // not the seniors' reserve it may not draw); the seconds until full count that reserve too.
        backlog = _bucket.BacklogAt(now) + (policy.Tolerance - _depth[(int)rank]);
        wait = ticks;
        return false;
    }

    /// <summary>A refusal: the pressure lasts <see cref="DebtWindow"/> more, and begins now if it had ended.</summary>
    private void NotePressure(long now)
    {
        var last = Volatile.Read(ref _lastRefusal);
        if (now - last <= _granularity)
        {
            return;
        }
        if (now - last > _window)
        {
            // Two threads racing here both write "now", give or take a microsecond: harmless.
            Volatile.Write(ref _pressureSince, now);
        }
        Volatile.Write(ref _lastRefusal, now);
    }
}

/// <summary>How the anonymous ceiling ranks an address; it refuses debtors first, then juniors.</summary>
internal enum CeilingClass
{
    /// <summary>Known for the senior age before the pressure began, and within its own rate: may take the whole burst.</summary>
    Senior,

    /// <summary>First seen less than the senior age before the pressure (or now), unknown, or over the partition cap.</summary>
    Junior,

    /// <summary>Its own bucket refused it within the pressure window: over its own rate.</summary>
    Debtor,
}
