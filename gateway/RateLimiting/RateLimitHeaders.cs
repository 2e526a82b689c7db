using System.Globalization;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// draft-ietf-httpapi-ratelimit-headers-10 fields, in Structured Fields syntax:
/// <c>RateLimit-Policy: "standard";q=400;w=2</c> (burst, and seconds to refill from empty) and
/// <c>RateLimit: "standard";r=399;t=0</c> (permits left, and whole seconds until the bucket is full
/// again, rounded down). A refusal adds <c>Retry-After</c>: whole seconds, rounded up, at least 1, so a
/// client that waits that long finds a permit.
/// </summary>
internal static class RateLimitHeaders
{
    public const string PolicyField = "RateLimit-Policy";
    public const string LimitField = "RateLimit";

    public static void Write(IHeaderDictionary headers, RateLimitedRequest request)
    {
        if (request.Outcome == RateLimitOutcome.Undecided)
        {
            return;
        }

        var policy = request.Limit;
        headers[PolicyField] = policy.PolicyHeader;
        headers[LimitField] = string.Create(CultureInfo.InvariantCulture,
            $"\"{policy.Name}\";r={policy.RemainingAfter(request.Backlog)};t={policy.SecondsUntilFull(request.Backlog)}");
        if (request.Outcome == RateLimitOutcome.Rejected)
        {
            headers.RetryAfter = policy.RetryAfterSeconds(request.Wait).ToString(CultureInfo.InvariantCulture);
        }
    }
}
