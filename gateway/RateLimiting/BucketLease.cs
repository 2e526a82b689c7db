using System.Threading.RateLimiting;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// What the limiter hands the middleware. Admissions share one immutable instance, so admitting
/// allocates nothing; a refusal carries its own Retry-After. The numbers the response headers need
/// travel on <see cref="RateLimitedRequest"/>, not on the lease.
/// </summary>
internal sealed class BucketLease : RateLimitLease
{
    private static readonly string[] RetryAfterOnly = [MetadataName.RetryAfter.Name];

    private readonly TimeSpan? _retryAfter;

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

    public static BucketLease Refused(TimeSpan retryAfter) => new(false, retryAfter);

    public override bool IsAcquired { get; }

    public override IEnumerable<string> MetadataNames => _retryAfter is null ? [] : RetryAfterOnly;

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (_retryAfter is { } retryAfter && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = retryAfter;
            return true;
        }
        metadata = null;
        return false;
    }
}
