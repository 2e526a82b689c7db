using System.Threading.RateLimiting;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// What the limiter hands the middleware. Leases are immutable and shared: one for every admission,
/// and one per whole second of Retry-After (the precision of the HTTP header) for refusals, so
/// neither allocates. The numbers the response headers need travel on <see cref="RateLimitedRequest"/>,
/// not on the lease.
/// </summary>
internal sealed class BucketLease : RateLimitLease
{
    private static readonly string[] RetryAfterOnly = [MetadataName.RetryAfter.Name];

    /// <summary>Refusals up to an hour away are shared; a longer wait (a policy slower than one per hour) allocates.</summary>
    private const int SharedRefusalSeconds = 3600;

    private static readonly BucketLease?[] RefusedAfter = new BucketLease?[SharedRefusalSeconds + 1];

    /// <summary>The Retry-After metadata, boxed once here rather than on every read.</summary>
    private readonly object? _retryAfter;

    private BucketLease(bool acquired, TimeSpan? retryAfter)
    {
        IsAcquired = acquired;
        _retryAfter = retryAfter;
    }

    public static BucketLease Admitted { get; } = new(true, null);

    /// <summary>
    /// Global mode cannot decide without a Redis round trip, so the synchronous attempt declines and
    /// the middleware, as it always does after a declined attempt, asks again through AcquireAsync.
    /// </summary>
    public static BucketLease Deferred { get; } = new(false, null);

    /// <summary>A refusal telling the caller to come back in <paramref name="seconds"/> whole seconds (at least 1).</summary>
    public static BucketLease Refused(long seconds)
    {
        seconds = Math.Max(1, seconds);
        if (seconds > SharedRefusalSeconds)
        {
            return new BucketLease(false, TimeSpan.FromSeconds(seconds));
        }
        return Volatile.Read(ref RefusedAfter[seconds])
            ?? Interlocked.CompareExchange(ref RefusedAfter[seconds], new BucketLease(false, TimeSpan.FromSeconds(seconds)), null)
            ?? RefusedAfter[seconds]!;
    }

    public override bool IsAcquired { get; }

    public override IEnumerable<string> MetadataNames => _retryAfter is null ? [] : RetryAfterOnly;

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (_retryAfter is not null && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = _retryAfter;
            return true;
        }
        metadata = null;
        return false;
    }
}
