using System.Threading.RateLimiting;

namespace Platform.Api.Bulkheads;

/// <summary>
/// A concurrency limit that adapts to how long admitted work takes (AIMD): every completion slower
/// than the latency target cuts the limit by a tenth, every faster one adds 1/limit (about one permit
/// per limit's worth of fast completions), always between a floor and the static share as ceiling.
/// The ceiling stays the static share because latency is only known when work completes: in a stall
/// the first completions arrive at the deadline, after the share has filled, so only a fixed ceiling
/// keeps stalled writes off the reads' connections. What adapting adds is below it: once writes are
/// seen to stall, new ones are shed at once (503) instead of waiting out their deadline (504) on a
/// connection. The framework's ConcurrencyLimiter has a fixed limit, hence this one; like the static
/// shares it never queues.
/// </summary>
public sealed class AdaptiveConcurrencyLimiter : RateLimiter
{
    private const double Decrease = 0.9;

    private static readonly RateLimitLease Refused = new RefusedLease();

    private readonly object _gate = new();
    private readonly int _floor;
    private readonly int _ceiling;
    private readonly TimeSpan _latencyTarget;
    private readonly TimeProvider _clock;
    private double _limit;
    private int _inFlight;
    private long _refusals;
    private long _admissions;

    public AdaptiveConcurrencyLimiter(int floor, int ceiling, TimeSpan latencyTarget, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(floor, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ceiling, floor);
        _floor = floor;
        _ceiling = ceiling;
        _latencyTarget = latencyTarget;
        _clock = clock;
        _limit = ceiling;
    }

    /// <summary>The current limit, whole permits.</summary>
    public int Limit
    {
        get
        {
            lock (_gate)
                return (int)_limit;
        }
    }

    // Never idle: a partitioned limiter disposes idle limiters, which would forget what was learned.
    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = Math.Max(0, (int)_limit - _inFlight),
                CurrentQueuedCount = 0,
                TotalFailedLeases = _refusals,
                TotalSuccessfulLeases = _admissions,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(permitCount, 1);
        lock (_gate)
        {
            if (_inFlight >= (int)_limit)
            {
                _refusals++;
                return Refused;
            }
            _inFlight++;
            _admissions++;
        }
        return new Admitted(this, _clock.GetTimestamp());
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Complete(long started)
    {
        var took = _clock.GetElapsedTime(started);
        lock (_gate)
        {
            _inFlight--;
            _limit = took > _latencyTarget
                ? Math.Max(_floor, _limit * Decrease)
                : Math.Min(_ceiling, _limit + 1 / _limit);
        }
    }

    private sealed class Admitted(AdaptiveConcurrencyLimiter limiter, long started) : GrantedLease
    {
        private int _released;

        protected override void Dispose(bool disposing)
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                limiter.Complete(started);
            base.Dispose(disposing);
        }
    }
}
